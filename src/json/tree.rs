//! The subfields of structured fields, read once per message for the JSON form (and for any
//! other display of the whole message): a tree per field (constructed BER-TLV tags nest), or
//! the error that stopped the reading.

use crate::composite::{tlv, FieldId, Track2Part};
use crate::{DecodeError, Element, FieldView, MessageView};

/// How deep constructed tags are followed.
const MAX_DEPTH: usize = 8;

/// One subfield and, for a constructed tag, the subfields inside it.
pub struct Node<'a> {
    /// The subfield.
    pub view: FieldView<'a>,
    /// Its subfields (empty for a plain value).
    pub children: Vec<Node<'a>>,
}

impl Node<'_> {
    /// The subfield's id as shown and as read back: `9F02`, `pan`, `3`.
    #[must_use]
    pub fn id(&self) -> String {
        self.view
            .sub_id()
            .map_or_else(String::new, |id| id.to_string())
    }

    /// The subfield's name: its spec's, or the EMV tag's, or the track 2 part's.
    #[must_use]
    pub fn name(&self) -> &str {
        let name = self.view.spec().name.as_str();
        if !name.is_empty() {
            return name;
        }
        match self.view.sub_id() {
            Some(FieldId::Tag(t)) => tlv::tag_name(t).unwrap_or(""),
            Some(FieldId::Part(p)) => match p {
                Track2Part::Pan => "Primary account number",
                Track2Part::Expiry => "Expiry date (YYMM)",
                Track2Part::ServiceCode => "Service code",
                Track2Part::Discretionary => "Discretionary data",
            },
            _ => "",
        }
    }
}

/// Why the subfields of a field could not be read: no data, only where and what. Its
/// `Serialize` gives the objects of the JSON form's `"subfield_errors"`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SubfieldError {
    /// The field.
    pub field: u16,
    /// The subfield's path: `55.9F02`, `55.70.5A`.
    pub path: String,
    /// A stable snake-case name of what went wrong.
    pub kind: &'static str,
    /// The byte offset in the message (from the start of the message, header included; for a
    /// [`Message`](crate::Message), which keeps no message bytes, from the start of the field).
    pub offset: usize,
    /// What went wrong, in words.
    pub message: String,
}

/// A field with its subfields read.
pub struct FieldTree<'a> {
    /// The field.
    pub field: FieldView<'a>,
    /// `None` for a field without subfields; the subfields, or why they could not be read.
    pub subfields: Option<Result<Vec<Node<'a>>, SubfieldError>>,
}

/// Every field of `view`, with the subfields of the structured ones.
#[must_use]
pub fn read_fields<'a>(view: &MessageView<'a>) -> Vec<FieldTree<'a>> {
    read_each(view.fields())
}

/// Each of `fields`, with the subfields of the structured ones.
pub(crate) fn read_each<'a>(fields: impl Iterator<Item = FieldView<'a>>) -> Vec<FieldTree<'a>> {
    fields
        .map(|field| {
            let subfields = field.is_composite().then(|| {
                let path = field.number().to_string();
                read(&field, &path, 0)
            });
            FieldTree { field, subfields }
        })
        .collect()
}

/// The subfields of `parent` (whose path is `path`), recursively.
fn read<'a>(
    parent: &FieldView<'a>,
    path: &str,
    depth: usize,
) -> Result<Vec<Node<'a>>, SubfieldError> {
    let base = parent.offset();
    let mut nodes = Vec::new();
    for sub in parent.subfields() {
        let view = sub.map_err(|e| error(parent.number(), path, e, base))?;
        let children = if depth < MAX_DEPTH && view.is_composite() {
            let id = view.sub_id().map_or_else(String::new, |id| id.to_string());
            read(&view, &format!("{path}.{id}"), depth + 1)?
        } else {
            Vec::new()
        };
        nodes.push(Node { view, children });
    }
    Ok(nodes)
}

fn error(field: u16, path: &str, e: DecodeError, base: usize) -> SubfieldError {
    let path = match e.element() {
        // A BER-TLV data object whose header cannot be read has no tag yet (0x00 is filler,
        // never a tag): the error is in the parent, at the offset given.
        Element::Subfield {
            sub: FieldId::Tag(0),
            ..
        } => path.to_owned(),
        Element::Subfield { sub, .. } => format!("{path}.{sub}"),
        _ => path.to_owned(),
    };
    SubfieldError {
        field,
        path,
        kind: e.kind().name(),
        offset: base + e.offset(),
        message: e.kind().to_string(),
    }
}
