//! The JSON form of a message in the library: it is what the CLI prints, masked unless clear
//! text is asked for, the example file of `specs/samples/` is its output byte for byte, clear
//! JSON reads back to the same bytes for the reference message in every built-in spec, and
//! bad JSON gets an error naming the element and the path, never the value.
// A test stops at its first failure: unwrapping, panicking and indexing are how it says so.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use iso8583_wire::composite::FieldId;
use iso8583_wire::hex::{hex_to_bytes, HexError};
use iso8583_wire::json::{Failure, JsonError, JsonErrorKind};
use iso8583_wire::response::{Dialect, Lang};
use iso8583_wire::{Element, EncodeErrorKind, Message, MessageView, Mti, Spec};

/// The shipped sample 0210 (field 39 `96`), its own characters.
const SAMPLE: &str = include_str!("../specs/samples/0210-declined-96.txt");

/// The version 1 example of the JSON form: the sample decoded in clear text, with its
/// diagnosis.
const EXAMPLE_V1: &str = include_str!("../specs/samples/0210-declined-96.v1.json");

/// The UnionPay-style sample frame: 2-byte length, TPDU, message.
const CUP_SAMPLE: &str = include_str!("../specs/samples/cup-pos-tpdu-0200.hex");

/// The reference 0200 of the shared vectors.
const REQ_0200: &[u8] = b"02007238048028C080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012TERM0001MERCHANT0000001840";

/// The sample 0210 in the masked form, without a diagnosis.
const SAMPLE_MASKED: &str = r#"{"mti":"0210","fields":{"2":"424242******4242","3":"000000","4":"000000010000","7":"1123132500","11":"123456","12":"132500","13":"1123","22":"051","25":"00","35":{"pan":"424242******4242","expiry":"2912","service_code":"201","discretionary":"[HIDDEN]"},"37":"123456789012","38":"ABC123","39":"96","41":"TERM0001","42":"MERCHANT0000001","49":"840"}}"#;

/// The UnionPay sample decoded with cup-pos-tpdu, masked.
const CUP_MASKED: &str = r#"{"header":"6000080000","mti":"0200","fields":{"3":"000000","4":"000000000001","11":"002755","12":"160400","13":"1125","22":"021","24":"008","25":"00","35":{"pan":"836214******6336","expiry":"2811","service_code":"201","discretionary":"[HIDDEN]"},"41":"01144021","42":"01129630       ","48":"1101313131313131313131311002312E312E312E312E31020330022231021532","49":"364","52":"[HIDDEN]","55":{"5F2A":"0364","82":"0800","95":"8000000000","9A":"231125","9C":"00","9F02":"000000000001"},"64":"[HIDDEN]"}}"#;

fn spec(name: &str) -> &'static Spec {
    Spec::builtin(name).unwrap_or_else(|| panic!("built-in spec {name} is missing"))
}

fn ascii() -> &'static Spec {
    spec("iso8583-1987-ascii")
}

fn sample() -> &'static [u8] {
    SAMPLE.trim_end().as_bytes()
}

/// The UnionPay sample's message: the frame without its 2-byte length.
fn cup_message() -> Vec<u8> {
    let mut frame = Vec::new();
    hex_to_bytes(CUP_SAMPLE.trim_end().as_bytes(), &mut frame).unwrap();
    frame.split_off(2)
}

#[test]
fn writes_the_example_file_byte_for_byte() {
    let view = MessageView::decode(ascii(), sample()).unwrap();
    let json = view
        .json()
        .clear()
        .with_diagnosis(Dialect::Iso8583_1987, Lang::En);
    assert_eq!(format!("{json}\n"), EXAMPLE_V1);
    assert_eq!(serde_json::to_string(&json).unwrap() + "\n", EXAMPLE_V1);
    // The same from the owned message.
    let message = Message::from_view(&view);
    let owned = message
        .json(ascii())
        .clear()
        .with_diagnosis(Dialect::Iso8583_1987, Lang::En);
    assert_eq!(format!("{owned}\n"), EXAMPLE_V1);
}

#[test]
fn reads_the_example_file_back_to_the_sample_bytes() {
    let message = Message::from_json(ascii(), EXAMPLE_V1).unwrap();
    assert_eq!(message.mti(), Mti::from_text("0210").unwrap());
    assert_eq!(message.numbers().count(), 16);
    assert_eq!(message.to_vec(ascii()).unwrap(), sample());
}

#[test]
fn masks_card_data_by_default() {
    let view = MessageView::decode(ascii(), sample()).unwrap();
    assert_eq!(view.json().to_string(), SAMPLE_MASKED);
    // The view's own Serialize is the masked form.
    assert_eq!(serde_json::to_string(&view).unwrap(), SAMPLE_MASKED);
    let message = Message::from_view(&view);
    assert_eq!(message.json(ascii()).to_string(), SAMPLE_MASKED);
    assert!(!SAMPLE_MASKED.contains("4242424242424242"));
    assert!(!SAMPLE_MASKED.contains("1000000000000"));
    // Debug output stays masked even for the clear form.
    assert_eq!(format!("{:?}", view.json().clear()), SAMPLE_MASKED);
}

#[test]
fn shows_clear_text_only_through_clear() {
    let view = MessageView::decode(ascii(), sample()).unwrap();
    let clear = view.json().clear().to_string();
    let expected = SAMPLE_MASKED
        .replace("424242******4242", "4242424242424242")
        .replace("[HIDDEN]", "1000000000000");
    assert_eq!(clear, expected);
    assert_eq!(
        Message::from_view(&view).json(ascii()).clear().to_string(),
        expected
    );
}

#[test]
fn writes_the_header_and_subfields_of_the_unionpay_sample() {
    let spec = spec("cup-pos-tpdu");
    let wire = cup_message();
    let view = MessageView::decode(spec, &wire).unwrap();
    assert_eq!(view.json().to_string(), CUP_MASKED);
    let message = Message::from_view(&view);
    assert_eq!(message.json(spec).to_string(), CUP_MASKED);
    // No field 39: asking for a diagnosis adds nothing.
    let explained = view.json().with_diagnosis(Dialect::ChinaUnionPay, Lang::Zh);
    assert_eq!(explained.to_string(), CUP_MASKED);
    // In clear text it reads back to the same bytes, header, TLV data and all.
    let clear = view.json().clear().to_string();
    let back = Message::from_json(spec, &clear).unwrap();
    assert_eq!(back.header(), [0x60, 0x00, 0x08, 0x00, 0x00]);
    assert_eq!(back.to_vec(spec).unwrap(), wire);
}

#[cfg(feature = "cli")]
mod cli {
    use super::*;
    use std::io::Write;
    use std::process::{Command, Stdio};

    fn decode(args: &[&str], stdin: &str) -> String {
        let mut child = Command::new(env!("CARGO_BIN_EXE_iso8583"))
            .arg("decode")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
    }

    #[test]
    fn equals_what_the_cli_prints_for_the_samples() {
        let view = MessageView::decode(ascii(), sample()).unwrap();
        let masked = view.json().with_diagnosis(Dialect::Iso8583_1987, Lang::En);
        assert_eq!(decode(&["--format", "json"], SAMPLE), format!("{masked}\n"));
        assert_eq!(
            decode(&["--format", "json", "--unmasked"], SAMPLE),
            EXAMPLE_V1
        );
        let chinese = view.json().with_diagnosis(Dialect::Iso8583_1993, Lang::Zh);
        assert_eq!(
            decode(
                &[
                    "--format",
                    "json",
                    "--dialect",
                    "iso8583-1993",
                    "--lang",
                    "zh"
                ],
                SAMPLE
            ),
            format!("{chinese}\n")
        );
        let cup = decode(
            &[
                "--format",
                "json",
                "--frame",
                "binary2",
                "--spec",
                "cup-pos-tpdu",
            ],
            CUP_SAMPLE,
        );
        assert_eq!(cup, format!("{CUP_MASKED}\n"));
    }
}

/// The reference 0200's values set into a message of `spec`, each where the spec's field
/// takes it, with a header of the spec's length: the reference message in that spec's form.
fn reference_in(spec: &Spec) -> (Vec<u8>, usize) {
    let from = MessageView::decode(ascii(), REQ_0200).unwrap();
    let mut m = Message::new(from.mti());
    m.set_header(
        (0..spec.layout().header_length)
            .map(|i| u8::try_from(i % 10).unwrap() + b'0')
            .collect::<Vec<u8>>(),
    );
    let mut kept = 0;
    for fv in from.fields() {
        kept += usize::from(m.set(spec, fv.number(), fv.as_bytes()).is_ok());
    }
    (m.to_vec(spec).unwrap(), kept)
}

#[test]
fn round_trips_the_reference_message_of_every_builtin_spec() {
    for name in Spec::builtin_names() {
        let spec = spec(name);
        let (wire, kept) = reference_in(spec);
        // Most of the 14 reference fields fit every spec; a test of an empty message would
        // show nothing.
        assert!(kept >= 10, "{name}: only {kept} fields");
        let view = MessageView::decode(spec, &wire).unwrap();
        let clear = view.json().clear().to_string();
        let back = Message::from_json(spec, &clear).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(back.to_vec(spec).unwrap(), wire, "{name}");
        assert_eq!(back.numbers().count(), kept, "{name}");
        // Annotations read back too.
        let explained = view
            .json()
            .clear()
            .with_diagnosis(Dialect::Iso8583_1987, Lang::En)
            .to_string();
        let back = Message::from_json(spec, explained).unwrap();
        assert_eq!(back.to_vec(spec).unwrap(), wire, "{name}");
    }
}

/// The error `from_json` gives for `json` in the 1987 ASCII spec.
fn error(json: &str) -> JsonError {
    Message::from_json(ascii(), json).unwrap_err()
}

#[test]
fn rejects_a_value_of_the_wrong_type() {
    let e = error(r#"{"mti":"0200","fields":{"3":12}}"#);
    assert_eq!(e.kind(), JsonErrorKind::NotAStringOrObject);
    assert_eq!(e.element(), Some(Element::Field(3)));
    assert_eq!(e.path(), "/fields/3");
    assert_eq!(
        e.to_string(),
        "DE3 at /fields/3: the value is not a JSON string or object"
    );
    let e = error(r#"{"mti":"0200","fields":{"35":{"pan":["4242"]}}}"#);
    assert_eq!(e.kind(), JsonErrorKind::SubfieldNotAString);
    assert_eq!(e.path(), "/fields/35/pan");
    let e = error(r#"{"mti":200,"fields":{}}"#);
    assert_eq!(e.kind(), JsonErrorKind::InvalidMti);
    assert_eq!((e.element(), e.path()), (Some(Element::Mti), "/mti"));
    let e = error(r#"["0200"]"#);
    assert_eq!(
        (e.kind(), e.element(), e.path()),
        (JsonErrorKind::NotAnObject, None, "")
    );
    let e = error(r#"{"mti":"0200"}"#);
    assert_eq!((e.kind(), e.path()), (JsonErrorKind::NoFields, "/fields"));
    let e = error(r#"{"error":{"kind":"truncated"}}"#);
    assert_eq!(e.kind(), JsonErrorKind::ErrorLine);
}

#[test]
fn rejects_an_unknown_field_number() {
    let e = error(r#"{"mti":"0200","fields":{"two":"4242424242424242"}}"#);
    assert_eq!(e.kind(), JsonErrorKind::InvalidFieldNumber);
    assert_eq!((e.element(), e.path()), (None, "/fields"));
    // The key itself is not repeated: it may be anything.
    assert_eq!(
        e.to_string(),
        "at /fields: a key of \"fields\" is not a field number"
    );
    let e = error(r#"{"mti":"0200","fields":{"200":"1"}}"#);
    assert_eq!(
        e.kind(),
        JsonErrorKind::Encode(EncodeErrorKind::FieldNotInSpec)
    );
    assert_eq!((e.field(), e.path()), (Some(200), "/fields/200"));
    let e = error(r#"{"mti":"0200","fields":{"35":{"cvv":"123"}}}"#);
    assert_eq!(e.kind(), JsonErrorKind::InvalidSubfield);
    assert_eq!(
        (e.element(), e.path()),
        (Some(Element::Field(35)), "/fields/35")
    );
}

#[test]
fn rejects_bad_hex() {
    // DE52, the PIN block, is binary written as hex.
    let e = error(r#"{"mti":"0200","fields":{"52":"00000000000000ZZ"}}"#);
    assert_eq!(
        e.kind(),
        JsonErrorKind::Encode(EncodeErrorKind::InvalidContent {
            class: "b",
            position: 14
        })
    );
    assert_eq!(
        (e.element(), e.path()),
        (Some(Element::Field(52)), "/fields/52")
    );
    // A header that is not hex.
    let cup = spec("cup-pos-tpdu");
    let e =
        Message::from_json(cup, r#"{"header":"60000800zz","mti":"0200","fields":{}}"#).unwrap_err();
    assert_eq!(
        e.kind(),
        JsonErrorKind::InvalidHeaderHex(HexError::NotHex { position: 8 })
    );
    assert_eq!((e.element(), e.path()), (Some(Element::Header), "/header"));
    assert_eq!(
        e.to_string(),
        "header at /header: character 8 is not a hex digit"
    );
    let f = Failure::from(e);
    assert_eq!(
        (f.kind, f.element.as_str(), f.message.as_str()),
        (
            "invalid_hex",
            "header",
            "header: character 8 is not a hex digit"
        )
    );
}

#[test]
fn rejects_text_that_is_not_json() {
    let e = error(r#"{"mti":"0200","#);
    assert_eq!(
        e.kind(),
        JsonErrorKind::Syntax {
            line: 1,
            column: 14,
            eof: true
        }
    );
    assert_eq!(e.to_string(), "not JSON: unexpected end at column 14");
    let e = error("{\"mti\":\"0200\",\"fields\":{\"2\":4242424242424242x}}");
    assert!(matches!(e.kind(), JsonErrorKind::Syntax { eof: false, .. }));
    assert!(!e.to_string().contains("4242"), "{e}");
}

#[test]
fn rejects_masked_values_saying_they_are_masked() {
    // A masked PAN: DE2 refuses the `*` as well.
    let e = error(r#"{"mti":"0200","fields":{"2":"424242******4242"}}"#);
    assert_eq!(
        e.kind(),
        JsonErrorKind::Masked {
            encode: Some(EncodeErrorKind::InvalidContent {
                class: "n",
                position: 6
            })
        }
    );
    assert_eq!(
        (e.element(), e.path()),
        (Some(Element::Field(2)), "/fields/2")
    );
    assert_eq!(
        e.to_string(),
        "DE2 at /fields/2: the value is masked card data: decode the message in clear text to read it back"
    );
    // Masked track 1 data fits its `ans` field: masking is what tells it apart.
    let e = error(r#"{"mti":"0200","fields":{"45":"B42424*******4242^*****************"}}"#);
    assert_eq!(e.kind(), JsonErrorKind::Masked { encode: None });
    assert_eq!(
        (e.element(), e.path()),
        (Some(Element::Field(45)), "/fields/45")
    );
    // A hidden PIN block.
    let e = error(r#"{"mti":"0200","fields":{"52":"[HIDDEN]"}}"#);
    assert!(matches!(
        e.kind(),
        JsonErrorKind::Masked { encode: Some(_) }
    ));
    assert_eq!(e.path(), "/fields/52");
    // A subfield: the first masked one is named.
    let e = error(
        r#"{"mti":"0200","fields":{"35":{"pan":"4242424242424242","expiry":"2912","service_code":"201","discretionary":"[HIDDEN]"}}}"#,
    );
    assert!(matches!(
        e.kind(),
        JsonErrorKind::Masked { encode: Some(_) }
    ));
    assert_eq!(e.path(), "/fields/35/discretionary");
    // The whole masked sample: the first masked value is DE2.
    let e = error(SAMPLE_MASKED);
    assert_eq!(e.path(), "/fields/2");
    // The error line of a masked value the field refuses is the field's own error, as it has
    // always been; one the field takes is `masked_value`.
    let f = Failure::from(error(SAMPLE_MASKED));
    assert_eq!(
        (f.kind, f.field, f.element.as_str(), f.message.as_str()),
        (
            "invalid_content",
            Some(2),
            "DE2",
            "the character at position 6 is not allowed in class n (digits only)"
        )
    );
    let f = Failure::from(error(
        r#"{"mti":"0200","fields":{"45":"B42424*******4242^****"}}"#,
    ));
    assert_eq!((f.kind, f.element.as_str()), ("masked_value", "DE45"));
    // A masked BER-TLV tag in the UnionPay form: its path is the tag's.
    let cup = spec("cup-pos-tpdu");
    let e = Message::from_json(
        cup,
        r#"{"header":"6000080000","mti":"0200","fields":{"55":{"9F02":"000000000001","5A":"836214******6336"}}}"#,
    )
    .unwrap_err();
    assert_eq!(e.path(), "/fields/55/5A");
    assert_eq!(
        e.element(),
        Some(Element::Subfield {
            field: 55,
            sub: FieldId::Tag(0x5A)
        })
    );
}

#[test]
fn never_repeats_a_value_in_an_error() {
    for json in [
        r#"{"mti":"0200","fields":{"2":"424242******4242"}}"#,
        r#"{"mti":"0200","fields":{"2":"42424242424242424242424242"}}"#,
        r#"{"mti":"0200","fields":{"35":{"pan":"4242424242424242X"}}}"#,
        r#"{"mti":"0200","fields":{"4242424242424242":"1"}}"#,
        r#"{"mti":"0200","fields":{"35":{"4242424242424242":"1"}}}"#,
    ] {
        let e = error(json);
        assert!(!e.to_string().contains("4242"), "{json}: {e}");
        assert!(!e.path().contains("4242"), "{json}: {e}");
        assert!(!format!("{e:?}").contains("4242"), "{json}: {e:?}");
    }
}
