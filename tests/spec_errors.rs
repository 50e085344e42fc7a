//! Spec files that cannot be loaded: the error names the field and, for text, the line and
//! column with the offending line; specs that define nothing to decode are refused at load.
// A test stops at its first failure: unwrapping, panicking and indexing are how it says so.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use iso8583_wire::Spec;

/// A spec that loads: the MTI and bitmap encodings and one field.
const GOOD: &str = r#"name = "t"
[message]
mti_encoding = "ascii"
bitmap_encoding = "ascii-hex"
[fields.3]
name = "Processing code"
class = "n"
encoding = "ascii"
length = 6
"#;

fn toml_err(text: &str) -> iso8583_wire::SpecError {
    match Spec::from_toml_str(text) {
        Ok(s) => panic!("loaded {}", s.name()),
        Err(e) => e,
    }
}

#[test]
fn loads_the_good_spec_and_every_builtin_file() {
    assert_eq!(
        Spec::from_toml_str(GOOD).unwrap().field(3).unwrap().length,
        6
    );
    for name in Spec::builtin_names() {
        let text = std::fs::read_to_string(format!("specs/{name}.toml")).unwrap();
        assert!(Spec::from_toml_str(&text).is_ok(), "{name}");
    }
}

#[test]
fn places_a_toml_syntax_error_at_its_line_and_column() {
    let bad = GOOD.replace("class = \"n\"", "class = = \"n\"");
    let e = toml_err(&bad);
    assert_eq!(e.field(), None);
    let at = e.location().expect("a location");
    assert_eq!((at.line(), at.column()), (7, 9));
    assert_eq!(at.text(), "class = = \"n\"");
    assert_eq!(
        e.to_string(),
        "line 7, column 9: extra `=`, expected nothing\n    7 | class = = \"n\"\n      |         ^"
    );
}

#[test]
fn places_a_field_error_at_the_field_key() {
    // An unknown key inside field 3: the error names the field and points at its table.
    let e = toml_err(&format!("{GOOD}colour = \"red\"\n"));
    assert_eq!(e.field(), Some(3));
    assert!(e.message().contains("colour"), "{e}");
    let at = e.location().expect("a location");
    assert_eq!((at.line(), at.column(), at.text()), (5, 9, "[fields.3]"));
    assert!(
        e.to_string().starts_with("field 3: line 5, column 9: "),
        "{e}"
    );
    assert!(
        e.to_string()
            .ends_with("\n    5 | [fields.3]\n      |         ^"),
        "{e}"
    );
    // A field that Spec::new finds inconsistent: placed at its key too.
    let e = toml_err(&GOOD.replace(
        "length = 6",
        "length = 6\nprefix = 3\nprefix_encoding = \"binary\"",
    ));
    assert_eq!(e.field(), Some(3));
    assert_eq!(e.location().map(|at| at.line()), Some(5));
}

#[test]
fn counts_columns_in_characters() {
    let bad = "name = \"东方\" x\n";
    let e = toml_err(bad);
    let at = e.location().expect("a location");
    // `x` is the 13th character of the line (and its 17th byte).
    assert_eq!((at.line(), at.column()), (1, 13));
}

#[test]
fn refuses_a_spec_with_only_a_name() {
    let e = toml_err("name = \"only-a-name\"\n");
    assert_eq!(e.field(), None);
    assert_eq!(
        e.message(),
        "no [message] table: a spec must give mti_encoding and bitmap_encoding"
    );
}

#[test]
fn refuses_a_spec_without_fields() {
    let text = GOOD.split("[fields.3]").next().unwrap();
    let e = toml_err(text);
    assert_eq!(
        e.message(),
        "no fields are defined: a spec needs at least one [fields.N] table"
    );
}

#[test]
fn refuses_a_spec_that_leaves_the_mti_or_the_bitmap_undefined() {
    for (key, missing) in [
        ("mti_encoding = \"ascii\"\n", "missing field `mti_encoding`"),
        (
            "bitmap_encoding = \"ascii-hex\"\n",
            "missing field `bitmap_encoding`",
        ),
    ] {
        let e = toml_err(&GOOD.replace(key, ""));
        assert_eq!(e.message(), missing);
        assert_eq!(e.location().map(|at| at.text()), Some("[message]"));
    }
}

#[cfg(feature = "jpos")]
mod jpos {
    use iso8583_wire::Spec;

    fn xml_err(text: &str) -> iso8583_wire::SpecError {
        match Spec::from_jpos_xml(text) {
            Ok(s) => panic!("loaded {}", s.name()),
            Err(e) => e,
        }
    }

    #[test]
    fn places_an_xml_error_at_the_element() {
        let good = std::fs::read_to_string("tests/jpos/iso87ascii.xml").unwrap();
        let line = good
            .lines()
            .position(|l| l.contains("<isofield id=\"3\""))
            .unwrap()
            + 1;
        let bad = good.replace("<isofield id=\"3\"", "<isofield id=\"3\" colour=\"red\"");
        let e = xml_err(&bad);
        assert_eq!(e.field(), Some(3));
        let at = e.location().expect("a location");
        assert_eq!(at.line(), line);
        assert_eq!(at.column(), 3);
        assert!(at.text().starts_with("  <isofield id=\"3\" colour=\"red\""));
        assert!(
            e.to_string()
                .contains(&format!("\n    {line} |   <isofield id=\"3\"")),
            "{e}"
        );
    }

    #[test]
    fn places_malformed_xml_where_it_breaks() {
        let good = std::fs::read_to_string("tests/jpos/iso87ascii.xml").unwrap();
        let cut = &good[..good.find("name=\"Track 2\"").unwrap()];
        let e = xml_err(cut);
        assert!(e.message().starts_with("malformed XML"), "{e}");
        let at = e.location().expect("a location");
        assert_eq!(at.line(), cut.lines().count());
        assert!(at.text().contains("<isofield id=\"35\""), "{e}");
    }

    #[test]
    fn refuses_a_packager_with_only_the_mti_and_the_bitmap() {
        let e = xml_err(
            "<isopackager>\n  <isofield id=\"0\" length=\"4\" class=\"org.jpos.iso.IFA_NUMERIC\"/>\n  <isofield id=\"1\" length=\"16\" class=\"org.jpos.iso.IFA_BITMAP\"/>\n</isopackager>\n",
        );
        assert_eq!(
            e.message(),
            "no data fields are defined: only the MTI and the bitmap"
        );
        assert_eq!(
            e.location().map(|at| (at.line(), at.column())),
            Some((1, 1))
        );
        let e = xml_err("<isopackager>\n  <isofield id=\"1\" length=\"16\" class=\"org.jpos.iso.IFA_BITMAP\"/>\n</isopackager>\n");
        assert_eq!(
            (e.field(), e.message()),
            (Some(0), "field 0 (MTI) is missing")
        );
    }
}
