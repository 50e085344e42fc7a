//! The response-code dictionary a spec reads field 39 in: declared by its file, implied by
//! its name, or by a three-character field 39 (ISO 8583:1993 action codes).
// A test stops at its first failure: unwrapping, panicking and indexing are how it says so.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use iso8583_wire::response::{diagnose, Dialect};
use iso8583_wire::{MessageView, Spec};

#[test]
fn every_builtin_spec_declares_its_dialect() {
    let expected = [
        ("cup-pos", Dialect::ChinaUnionPay),
        ("cup-pos-tpdu", Dialect::ChinaUnionPay),
        ("iso8583-1987-ascii", Dialect::Iso8583_1987),
        ("iso8583-1987-binary", Dialect::Iso8583_1987),
        ("iso8583-1993-ascii", Dialect::Iso8583_1993),
        ("iso8583-1993-binary", Dialect::Iso8583_1993),
        ("iso8583-2003-binary", Dialect::Iso8583_1993),
        ("mastercard-cis", Dialect::Mastercard),
        ("visa-base1", Dialect::Visa),
    ];
    assert_eq!(Spec::builtin_names().len(), expected.len());
    for (name, dialect) in expected {
        let file = std::fs::read_to_string(format!("specs/{name}.toml")).unwrap();
        assert!(file.contains("\ndialect = \""), "{name} declares none");
        assert_eq!(Spec::builtin(name).unwrap().dialect(), dialect, "{name}");
    }
}

/// A spec of field 39 alone, of `length` characters, named `name`, with `extra` TOML.
fn spec_39(name: &str, length: u32, extra: &str) -> Result<Spec, iso8583_wire::SpecError> {
    Spec::from_toml_str(&format!(
        "name = \"{name}\"\n{extra}\n[message]\nmti_encoding = \"ascii\"\nbitmap_encoding = \"ascii-hex\"\n[fields.39]\nname = \"Response code\"\nclass = \"an\"\n\
         encoding = \"ascii\"\nlength = {length}\n"
    ))
}

#[test]
fn a_declared_dialect_wins_over_name_and_shape() {
    let spec = spec_39("iso8583-1993-mine", 3, "dialect = \"cup\"").unwrap();
    assert_eq!(spec.dialect(), Dialect::ChinaUnionPay);
    // Field 39 is then explained in that dictionary: CUP 96 is not ISO's.
    let wire = b"0210000000000200000096";
    let spec = spec_39("mine", 2, "dialect = \"cup\"").unwrap();
    let view = MessageView::decode(&spec, wire).unwrap();
    let cup = diagnose(spec.dialect(), &view).unwrap();
    let iso = diagnose(Dialect::Iso8583_1987, &view).unwrap();
    assert_eq!(cup.dialect(), Some("cup"));
    assert_eq!(iso.dialect(), Some("iso8583-1987"));
}

#[test]
fn without_a_declaration_the_name_then_the_shape_decide() {
    assert_eq!(
        spec_39("visa-mine", 2, "").unwrap().dialect(),
        Dialect::Visa
    );
    assert_eq!(
        spec_39("iso8583-2003-x", 2, "").unwrap().dialect(),
        Dialect::Iso8583_1993
    );
    // A jPOS ISO 1993 packager: no name to go by, a three-digit action code.
    assert_eq!(
        spec_39("mine", 3, "").unwrap().dialect(),
        Dialect::Iso8583_1993
    );
    assert_eq!(
        spec_39("mine", 2, "").unwrap().dialect(),
        Dialect::Iso8583_1987
    );
}

#[test]
fn an_unknown_dialect_is_refused_with_the_names_accepted() {
    let err = spec_39("mine", 2, "dialect = \"iso8583-1988\"").unwrap_err();
    assert_eq!(
        err.message(),
        "unknown dialect `iso8583-1988`: expected one of iso8583-1987|iso8583-1993|cup|visa|mastercard"
    );
}
