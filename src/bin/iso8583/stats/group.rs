//! Counting decoded messages by group: by terminal, merchant, MTI, hour, response code or
//! category, or by a combination of them.
//!
//! The per-line path allocates only for a value seen for the first time: each terminal,
//! merchant and code is interned once and then known by a small number, the hour and the
//! category are numbers already, and a group is a fixed array of those numbers.

use clap::ValueEnum;
use iso8583_wire::response::{Category, Diagnosis, Lang};
use iso8583_wire::MessageView;
use std::collections::HashMap;

/// What a report can group messages by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, ValueEnum)]
pub enum Dimension {
    /// The card acceptor terminal ID, DE41 (trailing spaces removed).
    Terminal,
    /// The card acceptor (merchant) ID, DE42 (trailing spaces removed).
    Merchant,
    /// The message type indicator.
    Mti,
    /// The hour of DE7, the transmission date and time (MMDDhhmmss), `00` to `23`.
    Hour,
    /// The response code, DE39.
    Code,
    /// The category of the response code, as in the category list of the report.
    Category,
}

/// How many dimensions there are: a group key has room for all of them.
pub const DIMENSIONS: usize = 6;

impl Dimension {
    /// Every dimension, in the order of [`Dimension::index`].
    const ALL: [Self; DIMENSIONS] = [
        Self::Terminal,
        Self::Merchant,
        Self::Mti,
        Self::Hour,
        Self::Code,
        Self::Category,
    ];

    /// The dimension's place in a line's [`Parts`].
    const fn index(self) -> usize {
        self as usize
    }

    /// The name on the command line and the key in JSON.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Terminal => "terminal",
            Self::Merchant => "merchant",
            Self::Mti => "mti",
            Self::Hour => "hour",
            Self::Code => "code",
            Self::Category => "category",
        }
    }

    /// The column heading in a text report.
    pub const fn heading(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Self::Terminal, Lang::En) => "terminal",
            (Self::Merchant, Lang::En) => "merchant",
            (Self::Mti, _) => "MTI",
            (Self::Hour, Lang::En) => "hour",
            (Self::Code, Lang::En) => "code",
            (Self::Category, Lang::En) => "category",
            (Self::Terminal, Lang::Zh) => "终端",
            (Self::Merchant, Lang::Zh) => "商户",
            (Self::Hour, Lang::Zh) => "小时",
            (Self::Code, Lang::Zh) => "应答码",
            (Self::Category, Lang::Zh) => "类别",
        }
    }
}

/// The value of one dimension for one message, as a small number: an interned string's id,
/// the hour, or the category's place in [`Category::ALL`]; [`NONE`] when the message has none.
type Part = u32;

/// The part of a message that lacks the dimension's field.
const NONE: Part = Part::MAX;

/// A message's value of every dimension that some grouping needs (the others stay [`NONE`]).
type Parts = [Part; DIMENSIONS];

/// A group: the parts of a grouping's dimensions, in the grouping's order, the rest [`NONE`].
type Key = [Part; DIMENSIONS];

/// The counts of one group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Decoded messages in the group.
    pub messages: u64,
    /// Messages whose field 39 is in the category `approved`.
    pub approved: u64,
    /// Messages with a field 39 in any other category.
    pub not_approved: u64,
    /// Messages without field 39.
    pub without_field_39: u64,
}

/// What one message adds to its group.
#[derive(Clone, Copy)]
enum Result39 {
    Approved,
    NotApproved,
    Missing,
}

impl Counts {
    #[inline]
    fn add(&mut self, result: Result39) {
        self.messages += 1;
        match result {
            Result39::Approved => self.approved += 1,
            Result39::NotApproved => self.not_approved += 1,
            Result39::Missing => self.without_field_39 += 1,
        }
    }
}

/// Strings known by a number, each stored once.
#[derive(Default)]
struct Interner {
    ids: HashMap<Box<[u8]>, Part>,
    values: Vec<Box<[u8]>>,
}

impl Interner {
    /// The number of `value`, given to it when it is first seen.
    #[inline]
    fn id(&mut self, value: &[u8]) -> Part {
        if let Some(&id) = self.ids.get(value) {
            return id;
        }
        // Fewer than 2^32 - 1 distinct values: a log of that many lines would not fit in memory.
        let id = Part::try_from(self.values.len()).unwrap_or(NONE - 1);
        self.values.push(value.into());
        self.ids.insert(value.into(), id);
        id
    }

    fn value(&self, id: Part) -> Option<&[u8]> {
        self.values.get(usize::try_from(id).ok()?).map(|v| &v[..])
    }
}

/// The value of a dimension in a group, ready to show and to sort.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Value {
    /// Text: a terminal, a merchant, an MTI or a code.
    Text(String),
    /// An hour, 0 to 23.
    Hour(u8),
    /// A category.
    Category(Category),
    /// The message has no such field (sorted last).
    None,
}

/// One grouping: by one dimension or by a combination.
struct Grouping {
    by: Vec<Dimension>,
    counts: HashMap<Key, Counts>,
}

impl Grouping {
    #[inline]
    fn record(&mut self, parts: &Parts, result: Result39) {
        let mut key = [NONE; DIMENSIONS];
        for (k, d) in key.iter_mut().zip(&self.by) {
            if let Some(&p) = parts.get(d.index()) {
                *k = p;
            }
        }
        self.counts.entry(key).or_default().add(result);
    }
}

/// A group of a report: its value of each dimension, in the grouping's order, and its counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The group's values.
    pub key: Vec<Value>,
    /// Its counts.
    pub counts: Counts,
}

/// Groupings counted over the same messages, sharing the interned values.
#[derive(Default)]
pub struct Groups {
    needed: [bool; DIMENSIONS],
    groupings: Vec<Grouping>,
    terminals: Interner,
    merchants: Interner,
    mtis: Interner,
    codes: Interner,
}

/// Room for a field's text when it is not ASCII on the wire (BCD, EBCDIC).
const TEXT_BUF: usize = 64;

impl Groups {
    /// Adds a grouping by `by` (one or more dimensions) and returns its number.
    pub fn add(&mut self, by: &[Dimension]) -> usize {
        for d in by {
            if let Some(n) = self.needed.get_mut(d.index()) {
                *n = true;
            }
        }
        self.groupings.push(Grouping {
            by: by.to_vec(),
            counts: HashMap::new(),
        });
        self.groupings.len() - 1
    }

    /// Counts one decoded message with its diagnosis (`None`: it has no field 39).
    #[inline]
    pub fn record(&mut self, view: &MessageView<'_>, diagnosis: Option<&Diagnosis<'_>>) {
        let parts = self.parts(view, diagnosis);
        let result = match diagnosis.map(Diagnosis::category) {
            Some(Category::Approved) => Result39::Approved,
            Some(_) => Result39::NotApproved,
            None => Result39::Missing,
        };
        for g in &mut self.groupings {
            g.record(&parts, result);
        }
    }

    /// The message's value of every needed dimension.
    #[inline]
    fn parts(&mut self, view: &MessageView<'_>, diagnosis: Option<&Diagnosis<'_>>) -> Parts {
        let mut parts = [NONE; DIMENSIONS];
        let mut buf = [0u8; TEXT_BUF];
        for (d, part) in Dimension::ALL.iter().zip(parts.iter_mut()) {
            if !self.needed.get(d.index()).copied().unwrap_or(false) {
                continue;
            }
            *part = match d {
                Dimension::Terminal => text_of(view, 41, &mut buf)
                    .map_or(NONE, |t| self.terminals.id(t.trim_ascii_end())),
                Dimension::Merchant => text_of(view, 42, &mut buf)
                    .map_or(NONE, |t| self.merchants.id(t.trim_ascii_end())),
                Dimension::Mti => self.mtis.id(view.mti().as_bytes()),
                Dimension::Hour => hour_of(view).map_or(NONE, Part::from),
                Dimension::Code => text_of(view, 39, &mut buf).map_or(NONE, |t| self.codes.id(t)),
                Dimension::Category => diagnosis
                    .and_then(|d| Category::ALL.iter().position(|&c| c == d.category()))
                    .and_then(|i| Part::try_from(i).ok())
                    .unwrap_or(NONE),
            };
        }
        parts
    }

    /// The dimensions of grouping `n`.
    pub fn by(&self, n: usize) -> &[Dimension] {
        self.groupings.get(n).map_or(&[], |g| &g.by)
    }

    /// How many groups grouping `n` has.
    pub fn len(&self, n: usize) -> usize {
        self.groupings.get(n).map_or(0, |g| g.counts.len())
    }

    /// The groups of grouping `n`, ordered by `order` (the largest first), then by their values;
    /// the first `top` of them, or all when `top` is 0.
    pub fn rows(&self, n: usize, top: usize, order: impl Fn(&Counts) -> u64) -> Vec<Row> {
        let Some(g) = self.groupings.get(n) else {
            return Vec::new();
        };
        let mut rows: Vec<Row> = g
            .counts
            .iter()
            .map(|(key, &counts)| Row {
                key: g
                    .by
                    .iter()
                    .zip(key)
                    .map(|(&d, &part)| self.value(d, part))
                    .collect(),
                counts,
            })
            .collect();
        rows.sort_by(|a, b| {
            order(&b.counts)
                .cmp(&order(&a.counts))
                .then_with(|| a.key.cmp(&b.key))
        });
        if top > 0 {
            rows.truncate(top);
        }
        rows
    }

    /// The value of part `part` of dimension `d`.
    fn value(&self, d: Dimension, part: Part) -> Value {
        if part == NONE {
            return Value::None;
        }
        let text = |interner: &Interner| {
            interner
                .value(part)
                .map_or(Value::None, |v| Value::Text(printable(v)))
        };
        match d {
            Dimension::Terminal => text(&self.terminals),
            Dimension::Merchant => text(&self.merchants),
            Dimension::Mti => text(&self.mtis),
            Dimension::Code => text(&self.codes),
            Dimension::Hour => u8::try_from(part).map_or(Value::None, Value::Hour),
            Dimension::Category => usize::try_from(part)
                .ok()
                .and_then(|i| Category::ALL.get(i))
                .map_or(Value::None, |&c| Value::Category(c)),
        }
    }
}

/// The text of field `n` of `view`: its own bytes when they are ASCII text, else converted
/// into `buf` (BCD digits, EBCDIC translated), else its raw bytes; `None` when it is absent.
#[inline]
fn text_of<'b>(view: &MessageView<'b>, n: u16, buf: &'b mut [u8]) -> Option<&'b [u8]> {
    let field = view.field(n)?;
    if let Ok(s) = field.as_str() {
        return Some(s.as_bytes());
    }
    let raw = field.as_bytes();
    Some(field.text_into(buf).map_or(raw, str::as_bytes))
}

/// The hour of DE7 (MMDDhhmmss), when the field is there and its hour is `00` to `23`.
#[inline]
fn hour_of(view: &MessageView<'_>) -> Option<u8> {
    let mut buf = [0u8; 16];
    let text = text_of(view, 7, &mut buf)?;
    match *text.get(4..6)? {
        [h @ b'0'..=b'9', l @ b'0'..=b'9'] => {
            let hour = (h - b'0') * 10 + (l - b'0');
            (hour < 24).then_some(hour)
        }
        _ => None,
    }
}

/// `bytes` as text to show: control characters and bytes that are not UTF-8 become `?`.
fn printable(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .chars()
        .map(|c| {
            if c.is_control() || c == char::REPLACEMENT_CHARACTER {
                '?'
            } else {
                c
            }
        })
        .collect()
}
