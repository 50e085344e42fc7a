//! Differential tests: `MessageView::decode` against a deliberately plain reference decoder
//! (`differential/oracle.rs`) on random specs and random messages. Both must accept with the
//! same MTI and the same fields (text and raw bytes), or both reject with the same error kind,
//! element and offset.
//!
//! Each case draws its choices from a small generator seeded by proptest, so a failing seed
//! is recorded in `proptest-regressions/` and replays exactly.
// A test stops at its first failure: unwrapping, panicking and indexing are how it says so.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    // Random numbers are drawn in small ranges that fit every target type.
    clippy::cast_possible_truncation
)]

#[path = "differential/oracle.rs"]
mod oracle;

use iso8583_wire::spec::{
    BcdPad, BitmapEncoding, ContentClass, Encoding, LengthPrefix, MessageLayout, MtiEncoding,
    PrefixCounts, PrefixEncoding,
};
use iso8583_wire::{Element, FieldSpec, Message, MessageView, Mti, Spec};
use oracle::{Decoded, Failure};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

/// splitmix64: a small deterministic source of choices.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.range(0, items.len() - 1)]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn byte(&mut self) -> u8 {
        self.next() as u8
    }
}

// ---------------------------------------------------------------------------------------------
// Random specs

fn random_layout(rng: &mut Rng) -> MessageLayout {
    use BitmapEncoding::{AsciiHex, Binary, EbcdicHex};
    let mti = rng.pick(&[MtiEncoding::Ascii, MtiEncoding::Ebcdic, MtiEncoding::Bcd]);
    let mut layout = MessageLayout::new(mti, rng.pick(&[Binary, AsciiHex, EbcdicHex]))
        .with_header(rng.range(0, 8));
    if rng.chance(30) {
        layout = layout.with_extra_bitmap_encoding(rng.pick(&[Binary, AsciiHex, EbcdicHex]));
    }
    if rng.chance(50) {
        layout = layout.with_tertiary_bitmap();
    }
    layout
}

fn random_field(rng: &mut Rng) -> FieldSpec {
    use ContentClass::{An, Ans, Xn, A, B, N, Z};
    let class = rng.pick(&[N, A, An, Ans, B, Z, Xn]);
    let encoding = match class {
        N | Z | Xn => rng.pick(&[Encoding::Ascii, Encoding::Ebcdic, Encoding::Bcd]),
        A | An | Ans => rng.pick(&[Encoding::Ascii, Encoding::Ebcdic]),
        B => rng.pick(&[
            Encoding::Binary,
            Encoding::AsciiHex,
            Encoding::EbcdicHex,
            Encoding::Bcd,
        ]),
    };
    let low = if class == Xn { 2 } else { 1 };
    let length = if rng.chance(50) {
        rng.range(low, 8)
    } else {
        rng.range(low, 30)
    } as u32;
    let fs = if rng.chance(35) {
        FieldSpec::fixed("f", class, encoding, length)
    } else {
        let penc = rng.pick(&[
            PrefixEncoding::Ascii,
            PrefixEncoding::Ebcdic,
            PrefixEncoding::Bcd,
            PrefixEncoding::Binary,
            PrefixEncoding::AsciiHex,
        ]);
        let width = if penc == PrefixEncoding::Binary {
            rng.pick(&[1, 2, 4])
        } else {
            rng.range(1, 3) as u8
        };
        let counts = rng.pick(&[
            PrefixCounts::Units,
            PrefixCounts::Bytes,
            PrefixCounts::Nibbles,
            PrefixCounts::WireNibbles,
        ]);
        let mut fs = FieldSpec::variable(
            "f",
            class,
            encoding,
            length,
            LengthPrefix::new(width, penc).counting(counts),
        );
        if rng.chance(30) {
            fs = fs.with_min_length(rng.range(0, length as usize) as u32);
        }
        fs
    };
    fs.with_bcd_pad(rng.pick(&[BcdPad::Left0, BcdPad::LeftF, BcdPad::Right0, BcdPad::RightF]))
}

/// A random valid spec of 1 to 12 fields.
fn random_spec(rng: &mut Rng) -> Spec {
    let layout = random_layout(rng);
    let count = rng.range(1, 12);
    random_spec_of(rng, layout, count)
}

/// A random spec of many fields, so that messages often carry more than 32 data elements
/// (the view then keeps the ends of only every 2nd, 4th or 8th).
fn random_large_spec(rng: &mut Rng) -> Spec {
    let layout = random_layout(rng);
    let most = if layout.tertiary_bitmap { 150 } else { 100 };
    let count = rng.range(40, most);
    random_spec_of(rng, layout, count)
}

/// A random spec of `count` fields with `layout`.
fn random_spec_of(rng: &mut Rng, layout: MessageLayout, count: usize) -> Spec {
    let top = if layout.tertiary_bitmap { 192 } else { 128 };
    let mut fields: Vec<(u16, FieldSpec)> = Vec::new();
    while fields.len() < count {
        let n = match rng.range(0, 9) {
            0..=5 => rng.range(2, 64),
            6 | 7 => rng.range(65, 128),
            _ => rng.range(2, top),
        } as u16;
        if (n == 65 && layout.tertiary_bitmap) || fields.iter().any(|(k, _)| *k == n) {
            continue;
        }
        let fs = random_field(rng);
        // Keep only settings the spec model accepts.
        if Spec::new("one", layout, [(n, fs.clone())]).is_ok() {
            fields.push((n, fs));
        }
    }
    Spec::new("random", layout, fields).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Random valid messages

fn chars_of(class: ContentClass) -> Vec<u8> {
    match class {
        ContentClass::N | ContentClass::Xn => (b'0'..=b'9').collect(),
        ContentClass::A => (b'A'..=b'Z').chain(b'a'..=b'z').chain([b' ']).collect(),
        ContentClass::An => (b'0'..=b'9')
            .chain(b'A'..=b'Z')
            .chain(b'a'..=b'z')
            .chain([b' '])
            .collect(),
        ContentClass::Ans => (0x20..=0x7E).collect(),
        ContentClass::Z => (b'0'..=b'9').chain([b'=', b'D']).collect(),
        ContentClass::B => b"0123456789ABCDEFabcdef".to_vec(),
    }
}

/// A valid text value for `fs` that decodes as it was given; `None` when the field has none.
fn random_value(rng: &mut Rng, fs: &FieldSpec) -> Option<Vec<u8>> {
    let max = fs.length as usize;
    let low = (fs.min_length as usize).max(usize::from(fs.class == ContentClass::Xn));
    let units = if fs.is_fixed() {
        // Sometimes shorter, for the class's padding to fill.
        if fs.class != ContentClass::B && fs.class != ContentClass::Z && rng.chance(20) {
            rng.range(low.max(1), max)
        } else {
            max
        }
    } else {
        rng.range(low, max)
    };
    // A prefix counting bytes cannot tell an odd digit count with a 0 filler (or any filler,
    // for class b) from an even one: such values decode one digit longer, so the valid
    // messages here keep those digit counts even.
    let by_bytes = matches!(
        fs.prefix.map(|p| p.counts),
        Some(PrefixCounts::Bytes | PrefixCounts::WireNibbles)
    );
    let marked = fs.bcd_pad.nibble() == 0xF && fs.class != ContentClass::B;
    let digits = |u: usize| u - usize::from(fs.class == ContentClass::Xn && u > 0);
    let mut units = units;
    if fs.encoding == Encoding::Bcd && by_bytes && !marked && digits(units) % 2 == 1 {
        units = if units > low { units - 1 } else { units + 1 };
        if units > max {
            return None;
        }
    }
    let hex_bytes = fs.class == ContentClass::B && fs.encoding != Encoding::Bcd;
    let count = if hex_bytes { 2 * units } else { units };
    let alphabet = chars_of(fs.class);
    let mut text: Vec<u8> = (0..count).map(|_| rng.pick(&alphabet)).collect();
    if fs.class == ContentClass::Xn && !text.is_empty() {
        text[0] = rng.pick(b"CD");
    }
    Some(text)
}

/// A random valid message of `spec`, encoded.
fn random_message(rng: &mut Rng, spec: &Spec) -> Vec<u8> {
    let mti: String = (0..4)
        .map(|_| char::from(b'0' + rng.range(0, 9) as u8))
        .collect();
    let mut m = Message::new(Mti::from_text(&mti).unwrap());
    let header: Vec<u8> = (0..spec.layout().header_length)
        .map(|_| rng.byte())
        .collect();
    m.set_header(header);
    for (n, fs) in spec.fields() {
        if rng.chance(70) {
            let Some(value) = random_value(rng, fs) else {
                continue;
            };
            if let Err(e) = m.set(spec, n, &value) {
                panic!(
                    "DE{n} {fs:?}: set {:?}: {e}",
                    String::from_utf8_lossy(&value)
                );
            }
        }
    }
    m.to_vec(spec).unwrap()
}

// ---------------------------------------------------------------------------------------------
// The comparison

/// What the fast decoder says, in the oracle's terms.
fn fast(spec: &Spec, input: &[u8]) -> Result<(String, Vec<oracle::Field>), Failure> {
    match MessageView::decode(spec, input) {
        Ok(view) => {
            let fields: Vec<oracle::Field> = view
                .fields()
                .map(|f| (f.number(), f.to_text(), f.as_bytes().to_vec()))
                .collect();
            // Each field found by number, last first, is the one the iteration gave.
            for (n, text, bytes) in fields.iter().rev() {
                let f = view.field(*n).unwrap();
                assert_eq!((&f.to_text(), f.as_bytes()), (text, &bytes[..]), "DE{n}");
            }
            Ok((view.mti().as_str().to_owned(), fields))
        }
        Err(e) => Err(Failure {
            kind: e.kind().name(),
            element: match e.element() {
                Element::Header => "header".to_owned(),
                Element::Mti => "mti".to_owned(),
                Element::Bitmap(k) => format!("bitmap {k}"),
                Element::Field(n) => format!("field {n}"),
                other => format!("{other:?}"),
            },
            offset: e.offset(),
        }),
    }
}

/// Both decoders on `input`: the same fields or the same failure. Returns the oracle's verdict.
fn same_verdict(spec: &Spec, input: &[u8]) -> Result<Decoded, Failure> {
    let slow = oracle::decode(spec, input);
    let quick = fast(spec, input);
    match (&slow, &quick) {
        (Ok(s), Ok((mti, fields))) => {
            assert_eq!(&s.mti, mti, "MTI of {}", hex(input));
            assert_eq!(
                &s.fields,
                fields,
                "fields of {}\n{}",
                hex(input),
                describe(spec)
            );
        }
        (Err(s), Err(q)) => assert_eq!(s, q, "failure on {}\n{}", hex(input), describe(spec)),
        _ => panic!(
            "verdicts differ on {}\noracle: {:?}\nfast:   {:?}\n{}",
            hex(input),
            slow.as_ref().map(|d| &d.fields),
            quick,
            describe(spec)
        ),
    }
    slow
}

/// The spec in a few lines: layout, then one line a field.
fn describe(spec: &Spec) -> String {
    let mut out = format!("{:?}\n", spec.layout());
    for (n, fs) in spec.fields() {
        out += &format!(
            "  DE{n}: {:?} {:?} len {} min {} {:?} {:?}\n",
            fs.class, fs.encoding, fs.length, fs.min_length, fs.prefix, fs.bcd_pad
        );
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

// ---------------------------------------------------------------------------------------------
// Mutations

/// A character that is a digit in the prefix's own encoding, or any byte.
fn prefix_byte(rng: &mut Rng, encoding: PrefixEncoding) -> u8 {
    if rng.chance(25) {
        return rng.byte();
    }
    let d = rng.range(0, 9) as u8;
    match encoding {
        PrefixEncoding::Ascii => b'0' + d,
        PrefixEncoding::Ebcdic => 0xF0 + d,
        PrefixEncoding::Bcd => d << 4 | rng.range(0, 9) as u8,
        PrefixEncoding::Binary => rng.range(0, 40) as u8,
        PrefixEncoding::AsciiHex => rng.pick(b"0123456789ABCDEFabcdef"),
    }
}

/// One random change to `wire`, guided by where the oracle found things in the original.
fn mutate(rng: &mut Rng, wire: &mut Vec<u8>, places: &oracle::Places) {
    match rng.range(0, 6) {
        // Flip bits of one byte.
        0 if !wire.is_empty() => {
            let at = rng.range(0, wire.len() - 1);
            wire[at] ^= rng.range(1, 255) as u8;
        }
        // Truncate.
        1 if !wire.is_empty() => {
            let len = rng.range(0, wire.len() - 1);
            wire.truncate(len);
        }
        // Change a length prefix digit.
        2 => {
            let with_prefix: Vec<_> = places.fields.iter().filter(|f| f.2.is_some()).collect();
            if with_prefix.is_empty() {
                return;
            }
            let (_, at, prefix, _, _) = *rng.pick(&with_prefix);
            let prefix = prefix.unwrap();
            let at = at + rng.range(0, prefix.wire_len() - 1);
            if at < wire.len() {
                wire[at] = prefix_byte(rng, prefix.encoding);
            }
        }
        // Set (or clear) a bitmap bit.
        3 => {
            let (at, encoding) = rng.pick(&places.bitmaps);
            let bit = rng.range(0, 63);
            match encoding {
                BitmapEncoding::Binary => {
                    if let Some(b) = wire.get_mut(at + bit / 8) {
                        *b ^= 0x80 >> (bit % 8);
                    }
                }
                BitmapEncoding::AsciiHex | BitmapEncoding::EbcdicHex => {
                    let Some(c) = wire.get_mut(at + bit / 4) else {
                        return;
                    };
                    let ascii = if encoding == BitmapEncoding::AsciiHex {
                        *c
                    } else {
                        oracle::ebcdic_text(&[*c]).bytes().next().unwrap_or(b'0')
                    };
                    let v = char::from(ascii).to_digit(16).unwrap_or(0) ^ (8 >> (bit % 4));
                    let new = char::from_digit(v, 16).unwrap().to_ascii_uppercase();
                    *c = if encoding == BitmapEncoding::AsciiHex {
                        new as u8
                    } else {
                        oracle::ebcdic_byte(new)
                    };
                }
            }
        }
        // Put a character of some class into a field's content.
        4 => {
            let nonempty: Vec<_> = places.fields.iter().filter(|f| f.4 > 0).collect();
            if nonempty.is_empty() {
                return;
            }
            let (_, _, _, start, len) = *rng.pick(&nonempty);
            let at = start + rng.range(0, len - 1);
            let c = rng.pick(b"09AZaz =D/C\xF0\xC1\x81\x40\xFF\x00\x4F\xDF");
            if let Some(b) = wire.get_mut(at) {
                *b = c;
            }
        }
        // Append bytes.
        _ => {
            for _ in 0..rng.range(1, 4) {
                wire.push(rng.byte());
            }
        }
    }
}

/// The original and 1 to 3 mutations of it, each checked.
fn check_mutations(
    rng: &mut Rng,
    spec: &Spec,
    wire: &[u8],
    places: &oracle::Places,
    rounds: usize,
) {
    for _ in 0..rounds {
        let mut w = wire.to_vec();
        for _ in 0..rng.range(1, 3) {
            mutate(rng, &mut w, places);
        }
        let _ = same_verdict(spec, &w);
    }
}

/// Random bytes: wholly random, or random after a valid start (header, MTI, bitmaps).
fn check_random_bytes(rng: &mut Rng, spec: &Spec, valid: &[u8], places: &oracle::Places) {
    let len = rng.range(0, 80);
    let noise: Vec<u8> = (0..len).map(|_| rng.byte()).collect();
    let _ = same_verdict(spec, &noise);
    let fields_at = places.fields.first().map_or(valid.len(), |f| f.1);
    let mut w = valid[..fields_at].to_vec();
    w.extend_from_slice(&noise);
    let _ = same_verdict(spec, &w);
}

/// Failing seeds go to `proptest-regressions/differential.txt` (proptest cannot find the
/// crate root from a test file on its own).
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/differential.txt",
        ))),
        ..ProptestConfig::with_cases(cases)
    }
}

proptest! {
    #![proptest_config(config(512))]

    /// Valid messages of random specs: both decoders accept them with the same fields.
    #[test]
    fn decodes_valid_messages_as_the_oracle_does(seed in any::<u64>()) {
        let mut rng = Rng(seed);
        let spec = random_spec(&mut rng);
        let wire = random_message(&mut rng, &spec);
        let decoded = same_verdict(&spec, &wire);
        prop_assert!(
            decoded.is_ok(),
            "valid message rejected: {:?}\n{}\n{}",
            decoded.err(),
            hex(&wire),
            describe(&spec)
        );
    }

    /// Valid and mutated messages of many data elements (see [`random_large_spec`]).
    #[test]
    fn judges_messages_of_many_fields_as_the_oracle_does(seed in any::<u64>()) {
        let mut rng = Rng(seed);
        let spec = random_large_spec(&mut rng);
        let wire = random_message(&mut rng, &spec);
        let decoded = same_verdict(&spec, &wire);
        prop_assert!(
            decoded.is_ok(),
            "valid message rejected: {:?}\n{}\n{}",
            decoded.as_ref().err(),
            hex(&wire),
            describe(&spec)
        );
        if let Ok(d) = decoded {
            check_mutations(&mut rng, &spec, &wire, &d.places, 2);
        }
    }

    /// Mutated valid messages and random bytes: the same fields or the same failure.
    #[test]
    fn judges_broken_messages_as_the_oracle_does(seed in any::<u64>()) {
        let mut rng = Rng(seed);
        let spec = random_spec(&mut rng);
        let wire = random_message(&mut rng, &spec);
        let places = same_verdict(&spec, &wire).unwrap().places;
        check_mutations(&mut rng, &spec, &wire, &places, 8);
        check_random_bytes(&mut rng, &spec, &wire, &places);
    }
}

// ---------------------------------------------------------------------------------------------
// Built-in specs

/// The reference 0200 and 0210 (`vectors/README.md`), ISO 8583:1987 ASCII.
const REFERENCE: [&[u8]; 2] = [
    b"02007238048028C080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012TERM0001MERCHANT0000001840",
    b"0210723804802EC080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012ABC12396TERM0001MERCHANT0000001840",
];

/// The reference messages re-encoded with `spec` (fields it cannot hold left out).
fn reference_in(spec: &Spec, rng: &mut Rng) -> Vec<Vec<u8>> {
    let ascii = Spec::builtin("iso8583-1987-ascii").unwrap();
    REFERENCE
        .iter()
        .map(|wire| {
            let view = MessageView::decode(ascii, wire).unwrap();
            let mut m = Message::new(view.mti());
            let header: Vec<u8> = (0..spec.layout().header_length)
                .map(|_| rng.byte())
                .collect();
            m.set_header(header);
            for f in view.fields() {
                let _ = m.set(spec, f.number(), f.to_text());
            }
            m.to_vec(spec).unwrap()
        })
        .collect()
}

#[test]
fn decodes_the_reference_messages_as_the_oracle_does() {
    let ascii = Spec::builtin("iso8583-1987-ascii").unwrap();
    for wire in REFERENCE {
        let d = same_verdict(ascii, wire).unwrap();
        assert_eq!(d.fields.len(), 14 + usize::from(wire[2] == b'1') * 2);
        assert_eq!(
            d.fields[0],
            (
                2,
                "4242424242424242".to_owned(),
                b"4242424242424242".to_vec()
            )
        );
    }
    for name in Spec::builtin_names() {
        let spec = Spec::builtin(name).unwrap();
        for wire in reference_in(spec, &mut Rng(7)) {
            let d = same_verdict(spec, &wire).unwrap();
            assert!(
                d.fields
                    .iter()
                    .any(|f| f.0 == 11 && f.1.ends_with("123456")),
                "{name}"
            );
        }
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// Every built-in spec on mutated reference messages and random bytes.
    #[test]
    fn judges_builtin_spec_inputs_as_the_oracle_does(seed in any::<u64>()) {
        let mut rng = Rng(seed);
        for name in Spec::builtin_names() {
            let spec = Spec::builtin(name).unwrap();
            let mut wires = reference_in(spec, &mut rng);
            wires.extend(REFERENCE.iter().map(|w| w.to_vec()));
            for wire in wires {
                let Ok(d) = same_verdict(spec, &wire) else {
                    continue;
                };
                check_mutations(&mut rng, spec, &wire, &d.places, 6);
                check_random_bytes(&mut rng, spec, &wire, &d.places);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Disagreements found by the properties above, pinned with exact bytes

fn one_field(fs: FieldSpec) -> Spec {
    Spec::new(
        "one",
        MessageLayout::new(MtiEncoding::Ascii, BitmapEncoding::Binary),
        [(4, fs)],
    )
    .unwrap()
}

/// `0200`, a primary bitmap with only bit 4, then `content`.
fn with_de4(content: &[u8]) -> Vec<u8> {
    let mut w = b"0200\x10\0\0\0\0\0\0\0".to_vec();
    w.extend_from_slice(content);
    w
}

#[test]
fn decodes_xn_bcd_with_left_f_filler_under_a_byte_prefix() {
    let prefix = LengthPrefix::new(2, PrefixEncoding::Ascii).counting(PrefixCounts::Bytes);
    let fs = FieldSpec::variable("amount", ContentClass::Xn, Encoding::Bcd, 4, prefix)
        .with_bcd_pad(BcdPad::LeftF);
    let spec = one_field(fs);
    let mut m = Message::new(Mti::from_text("0200").unwrap());
    m.set(&spec, 4, "C123").unwrap();
    let wire = m.to_vec(&spec).unwrap();
    assert_eq!(wire, with_de4(b"03\x43\xF1\x23"));
    let d = same_verdict(&spec, &wire).unwrap();
    assert_eq!(d.fields, [(4, "C123".to_owned(), b"\x43\xF1\x23".to_vec())]);
}

#[test]
fn rejects_a_bad_bcd_digit_before_a_bad_right_filler_at_the_digit() {
    let fs = FieldSpec::fixed("n3", ContentClass::N, Encoding::Bcd, 3).with_bcd_pad(BcdPad::RightF);
    let wire = with_de4(b"\xDE\xEE");
    let e = same_verdict(&one_field(fs), &wire).unwrap_err();
    assert_eq!(
        (e.kind, e.element.as_str(), e.offset),
        ("invalid_content", "field 4", 12)
    );
}

#[test]
fn rejects_an_empty_xn_bcd_value_for_its_missing_sign() {
    let prefix = LengthPrefix::new(1, PrefixEncoding::Binary);
    let fs = FieldSpec::variable("amount", ContentClass::Xn, Encoding::Bcd, 9, prefix);
    // Length 0, then a byte that must not be taken as the sign of an empty value.
    let e = same_verdict(&one_field(fs), &with_de4(b"\x00C")).unwrap_err();
    assert_eq!(
        (e.kind, e.element.as_str(), e.offset),
        ("invalid_content", "field 4", 13)
    );
}
