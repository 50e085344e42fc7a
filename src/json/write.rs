//! Writing a message in its JSON form: [`Json`], and `Serialize` for [`MessageView`].

use super::tree::{read_each, FieldTree, Node, SubfieldError};
use crate::hex::to_hex;
use crate::response::{Dialect, Lang, Localized, ResponseTable};
use crate::{FieldView, Message, MessageView, Spec};
use core::fmt;
use serde::ser::{Serialize, SerializeMap, Serializer};

/// A message in its JSON form (see [`crate::json`]): masked unless [`Json::clear`] asks for
/// clear text, with a diagnosis of field 39 when [`Json::with_diagnosis`] asks for one.
///
/// Made by [`MessageView::json`] or [`Message::json`]; its `Serialize` writes the object and
/// its `Display` the same object as compact JSON text, as `iso8583 decode --format json`
/// prints it.
///
/// ```
/// use iso8583_wire::response::{Dialect, Lang};
/// use iso8583_wire::{MessageView, Spec};
///
/// let spec = Spec::builtin("iso8583-1987-ascii").ok_or("no such spec")?;
/// let view = MessageView::decode(spec, b"0210400000000200000016424242424242424296")?;
/// let masked = r#"{"mti":"0210","fields":{"2":"424242******4242","39":"96"}}"#;
/// assert_eq!(view.json().to_string(), masked);
/// assert_eq!(serde_json::to_string(&view)?, masked);
/// let clear = view.json().clear().to_string();
/// assert_eq!(clear, r#"{"mti":"0210","fields":{"2":"4242424242424242","39":"96"}}"#);
/// let explained = view.json().with_diagnosis(Dialect::Iso8583_1987, Lang::En).to_string();
/// assert!(explained.starts_with(
///     r#"{"mti":"0210","fields":{"2":"424242******4242","39":"96"},"diagnosis":{"code":"96","#
/// ));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy)]
pub struct Json<'m> {
    source: Source<'m>,
    clear: bool,
    diagnosis: Option<Localized<'m>>,
}

/// What a [`Json`] writes out.
#[derive(Clone, Copy)]
enum Source<'m> {
    View(&'m MessageView<'m>),
    Message {
        message: &'m Message,
        spec: &'m Spec,
    },
}

impl<'m> Json<'m> {
    /// The same form with card data in clear text (PAN, track data, PIN blocks, MACs and
    /// every field the spec masks). Only this form can be read back by
    /// [`Message::from_json`]; use it only where card data may be shown.
    #[must_use]
    pub const fn clear(self) -> Self {
        Self {
            clear: true,
            ..self
        }
    }

    /// The same form with `"diagnosis"`, the meaning of field 39 in `dialect` (read with the
    /// message's MTI, from the built-in tables) with its prompt and checklist in `lang`, when
    /// the message has a field 39.
    #[must_use]
    pub fn with_diagnosis(self, dialect: Dialect, lang: Lang) -> Self {
        let table = ResponseTable::builtin(dialect);
        let diagnosis = match self.source {
            Source::View(view) => table.classify_view(view),
            Source::Message { message, spec } => message
                .field(spec, 39)
                .map(|field| table.classify_field(message.mti(), &field)),
        };
        Self {
            diagnosis: diagnosis.map(|d| d.in_lang(lang)),
            ..self
        }
    }
}

impl<'a> MessageView<'a> {
    /// The message's JSON form, masked (see [`Json`]). The view's own `Serialize` writes the
    /// same.
    #[must_use]
    pub const fn json(&self) -> Json<'_> {
        Json {
            source: Source::View(self),
            clear: false,
            diagnosis: None,
        }
    }
}

impl Message {
    /// The message's JSON form with its fields read through `spec` (the spec it was built or
    /// decoded with), masked (see [`Json`]). A message does not know its spec, so it has no
    /// `Serialize` of its own: this is it.
    ///
    /// The offsets in `"subfield_errors"` count from the start of the field, as a message
    /// keeps no message bytes.
    #[must_use]
    pub const fn json<'m>(&'m self, spec: &'m Spec) -> Json<'m> {
        Json {
            source: Source::Message {
                message: self,
                spec,
            },
            clear: false,
            diagnosis: None,
        }
    }
}

/// The view's JSON form, masked and without a diagnosis: [`MessageView::json`].
impl Serialize for MessageView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.json().serialize(serializer)
    }
}

impl Serialize for Json<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (spec, header, mti, fields) = match self.source {
            Source::View(view) => (
                view.spec(),
                view.header(),
                view.mti(),
                read_each(view.fields()),
            ),
            Source::Message { message, spec } => (
                spec,
                message.header(),
                message.mti(),
                read_each(message.fields(spec)),
            ),
        };
        let mut map = serializer.serialize_map(None)?;
        if spec.layout().header_length > 0 {
            map.serialize_entry("header", &to_hex(header))?;
        }
        map.serialize_entry("mti", mti.as_str())?;
        map.serialize_entry(
            "fields",
            &FieldsJson {
                fields: &fields,
                clear: self.clear,
            },
        )?;
        let errors: Vec<&SubfieldError> = fields
            .iter()
            .filter_map(|t| t.subfields.as_ref()?.as_ref().err())
            .collect();
        if !errors.is_empty() {
            map.serialize_entry("subfield_errors", &errors)?;
        }
        if let Some(diagnosis) = &self.diagnosis {
            map.serialize_entry("diagnosis", diagnosis)?;
        }
        map.end()
    }
}

/// Compact JSON text, as `serde_json::to_string` writes it.
impl fmt::Display for Json<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = serde_json::to_string(self).map_err(|_| fmt::Error)?;
        f.write_str(&text)
    }
}

impl fmt::Debug for Json<'_> {
    /// The masked JSON text, even of a form made with [`Json::clear`]: debug output is logged
    /// where card data must not be.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let masked = Self {
            clear: false,
            ..*self
        };
        fmt::Display::fmt(&masked, f)
    }
}

/// The text of a value, masked unless `clear`.
fn text(fv: &FieldView<'_>, clear: bool) -> String {
    if clear {
        fv.to_text()
    } else {
        fv.masked().to_string()
    }
}

/// The `"fields"` object, in field-number order.
struct FieldsJson<'f, 'a> {
    fields: &'f [FieldTree<'a>],
    clear: bool,
}

impl Serialize for FieldsJson<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let clear = self.clear;
        let mut map = serializer.serialize_map(Some(self.fields.len()))?;
        for tree in self.fields {
            let key = tree.field.number().to_string();
            match &tree.subfields {
                Some(Ok(nodes)) => map.serialize_entry(&key, &NodesJson { nodes, clear })?,
                _ => map.serialize_entry(&key, &text(&tree.field, clear))?,
            }
        }
        map.end()
    }
}

/// Subfields as an object by id, in wire order.
struct NodesJson<'n, 'a> {
    nodes: &'n [Node<'a>],
    clear: bool,
}

impl Serialize for NodesJson<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.nodes.len()))?;
        for node in self.nodes {
            if node.children.is_empty() {
                map.serialize_entry(&node.id(), &text(&node.view, self.clear))?;
            } else {
                let nested = NodesJson {
                    nodes: &node.children,
                    clear: self.clear,
                };
                map.serialize_entry(&node.id(), &nested)?;
            }
        }
        map.end()
    }
}
