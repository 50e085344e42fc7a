//! The response-code tables: every built-in table loads, every code classifies to its own entry,
//! no table has a duplicate or malformed entry, and user tables are validated and layered.
#![allow(clippy::expect_used, clippy::indexing_slicing)]

use iso8583_wire::response::{
    classify, Area, Category, Dialect, Flag, ResponseCode, ResponseTable, SectionName,
    TableErrorKind,
};

fn table(d: Dialect) -> &'static ResponseTable {
    ResponseTable::try_builtin(d).expect("built-in table loads")
}

#[test]
fn loads_every_builtin_table_with_sources() {
    for d in Dialect::ALL {
        let t = table(d);
        assert_eq!(t.dialect(), d.as_str());
        assert!(!t.entries().is_empty(), "{d}: no entries");
        assert!(t.sources().count() > 0, "{d}: no sources named");
    }
}

#[test]
fn classifies_every_code_of_every_table() {
    for d in Dialect::ALL {
        for e in table(d).entries() {
            let got = classify(d, Some(b"0210"), e.code().as_bytes());
            assert_eq!(got.code(), Some(e.code()));
            assert_eq!(got.entry(), Some(e), "{d} {}", e.code());
            assert_eq!(got.category(), e.category());
            assert_eq!(got.meaning(), e.meaning());
            assert!(!got.is_reversal_reason());
        }
        for e in table(d).reversal_reasons() {
            let got = classify(d, Some(b"0400"), e.code().as_bytes());
            assert!(got.is_reversal_reason(), "{d} {}", e.code());
            assert_eq!(got.entry(), Some(e));
            assert!(!got.reversal(), "a reason is already part of a reversal");
        }
    }
}

#[test]
fn has_no_duplicate_or_malformed_entry() {
    for d in Dialect::ALL {
        let t = table(d);
        for list in [t.entries(), t.reversal_reasons()] {
            for pair in list.windows(2) {
                assert!(
                    pair[0].code() != pair[1].code(),
                    "{d}: duplicate {}",
                    pair[0].code()
                );
            }
            for e in list {
                assert!(e.code().is_well_formed(), "{d}: malformed {}", e.code());
                assert!(!e.meaning().trim().is_empty());
                assert!(!e.meaning_zh().trim().is_empty());
                assert!(!e.prompt(iso8583_wire::response::Lang::En).is_empty());
                assert!(!e.prompt(iso8583_wire::response::Lang::Zh).is_empty());
                if e.flags().contains(Flag::PickUp) {
                    assert_eq!(e.category(), Category::FraudSecurity, "{d} {}", e.code());
                }
            }
        }
    }
}

#[test]
fn covers_every_iso_1987_code_00_to_99() {
    let t = table(Dialect::Iso8583_1987);
    for n in 0..100u8 {
        let code = [b'0' + n / 10, b'0' + n % 10];
        assert!(
            t.get(ResponseCode::from_bytes(&code)).is_some(),
            "missing {}",
            n
        );
    }
    // Reserved ranges and national-use codes are listed, and classify as unknown.
    for code in ["45", "50", "69", "74", "76", "89", "97", "98", "99"] {
        assert_eq!(
            classify(Dialect::Iso8583_1987, None, code.as_bytes()).category(),
            Category::Unknown,
            "{code}"
        );
    }
}

#[test]
fn covers_every_1993_action_code_of_the_reference() {
    let mut listed: Vec<u16> = Vec::new();
    listed.extend(0..=7);
    listed.extend(100..=129);
    listed.extend(200..=210);
    listed.extend(300..=309);
    listed.push(400);
    listed.extend(500..=504);
    listed.extend(600..=606);
    listed.push(700);
    listed.push(800);
    listed.extend(900..=923);
    listed.push(950);
    let t = table(Dialect::Iso8583_1993);
    assert_eq!(t.entries().len(), listed.len());
    for n in listed {
        let code = format!("{n:03}");
        let d = classify(Dialect::Iso8583_1993, Some(b"1110"), code.as_bytes());
        assert!(d.is_known(), "missing {code}");
    }
}

#[test]
fn classifies_every_unionpay_code_with_a_class() {
    let t = table(Dialect::ChinaUnionPay);
    let classes: Vec<&str> = t.classes().iter().map(|c| c.name()).collect();
    assert_eq!(classes, ["A", "B", "C", "D", "E"]);
    for e in t.entries() {
        assert!(e.class().is_some(), "{} has no class", e.code());
    }
    for code in ["A0", "A1", "A2", "A3", "A4", "A5", "A6", "A7"] {
        assert!(t.get(code.parse().expect("code")).is_some(), "{code}");
    }
}

#[test]
fn keeps_unknown_codes_raw() {
    let d = classify(Dialect::Iso8583_1987, Some(b"0210"), b"Q9");
    assert_eq!(d.category(), Category::Unknown);
    assert_eq!(d.code().map(|c| c.to_string()).as_deref(), Some("Q9"));
    assert!(!d.is_known());
    // Nothing is guessed: lower case is not folded.
    assert_eq!(
        classify(Dialect::ChinaUnionPay, None, b"a0").category(),
        Category::Unknown
    );
    // A value no dialect defines keeps its bytes.
    let odd = classify(Dialect::Iso8583_1993, None, b"\x01\xff9");
    assert_eq!(
        odd.code().map(|c| c.to_string()).as_deref(),
        Some("\\x01\\xFF9")
    );
    assert_eq!(odd.category(), Category::Unknown);
}

#[test]
fn gives_every_category_a_checklist_in_both_languages() {
    use iso8583_wire::response::Lang;
    for &c in Category::ALL {
        assert_ne!(c.title(Lang::En), c.as_str(), "{c}: title missing");
        assert!(!c.summary(Lang::Zh).is_empty());
        assert!(!c.checklist().is_empty(), "{c}: empty checklist");
        for check in c.checklist() {
            assert!(!check.cause(Lang::Zh).is_empty() && !check.step(Lang::Zh).is_empty());
        }
    }
}

#[test]
fn covers_the_required_checklist_areas_and_topics() {
    use iso8583_wire::response::Lang;
    let all: Vec<_> = Category::ALL.iter().flat_map(|c| c.checklist()).collect();
    for area in [
        Area::Network,
        Area::Server,
        Area::Software,
        Area::Configuration,
        Area::People,
        Area::Account,
        Area::Hardware,
        Area::Fraud,
    ] {
        assert!(all.iter().any(|c| c.area() == area), "no {area} item");
    }
    let text: String = all
        .iter()
        .map(|c| format!("{} {} ", c.cause(Lang::En), c.step(Lang::En)))
        .collect();
    for topic in [
        "signal",
        "bandwidth",
        "latency",
        "packet loss",
        "IP address",
        "mask",
        "gateway",
        "DNS",
        "port",
        "routing",
        "overload",
        "maintenance",
        "day cut-over",
        "compatib",
        "outdated",
        "Keys out of sync",
        "not registered",
        "parameters",
        "operating procedure",
        "frozen",
        "Insufficient funds",
        "network card",
        "antenna",
        "card reader",
        "fraud",
    ] {
        assert!(text.contains(topic), "checklists never mention {topic:?}");
    }
    // 96: network link, the switch's servers, software, configuration, and when to call.
    let areas: Vec<Area> = Category::SwitchFault
        .checklist()
        .iter()
        .map(|c| c.area())
        .collect();
    for area in [
        Area::Network,
        Area::Server,
        Area::Software,
        Area::Configuration,
        Area::Escalation,
    ] {
        assert!(areas.contains(&area), "96 checklist lacks {area}");
    }
}

const USER: &str = r#"
dialect = "acme"
title = "ACME acquirer"
base = "cup"

[[code]]
code = "96"
meaning = "ACME host down"
meaning_zh = "ACME主机故障"
category = "switch_fault"
responsible = "acquirer"
retry = "later"
class = "E"
prompt = "Host down: try later"
prompt_zh = "主机故障，请稍后重试"

[[code]]
code = "C1"
meaning = "Terminal blocked by ACME"
meaning_zh = "终端被ACME停用"
category = "terminal_config"
responsible = "acquirer"
retry = "after_fix"
prompt = "Terminal blocked: call ACME"
prompt_zh = "终端已停用，请联系收单行"
"#;

#[test]
fn layers_a_user_table_over_a_builtin_one() {
    let t = ResponseTable::from_toml_str(USER).expect("user table loads");
    let d = t.classify(Some(b"0210"), b"96");
    assert_eq!(d.meaning(), "ACME host down");
    assert_eq!(d.dialect(), Some("acme"));
    assert_eq!(d.class(), Some("E"));
    assert_eq!(
        d.class_meaning(iso8583_wire::response::Lang::Zh),
        Some("交易失败，系统故障，不需要重试")
    );
    assert_eq!(t.classify(None, b"C1").category(), Category::TerminalConfig);
    // Everything else still comes from China UnionPay, reversal reasons included.
    assert_eq!(t.classify(None, b"98").category(), Category::Timeout);
    assert_eq!(
        t.classify(Some(b"0400"), b"A0").category(),
        Category::NetworkFault
    );
    assert_eq!(
        t.entries().len(),
        table(Dialect::ChinaUnionPay).entries().len() + 1
    );
    // The same file without `base` stands alone, and can be layered explicitly.
    let alone = ResponseTable::from_toml_str(&USER.replace("base = \"cup\"", ""));
    assert_eq!(
        alone.expect_err("class E is not defined").kind(),
        &TableErrorKind::UnknownClass("E".into())
    );
}

fn error_of(src: &str) -> iso8583_wire::response::TableError {
    ResponseTable::from_toml_str(src).expect_err("table must be rejected")
}

fn one_entry(code: &str, extra: &str) -> String {
    format!(
        "dialect = \"t\"\ntitle = \"T\"\n[[code]]\ncode = \"{code}\"\nmeaning = \"m\"\nmeaning_zh = \"义\"\ncategory = \"card_account\"\nresponsible = \"issuer\"\nretry = \"never\"\nprompt = \"p\"\nprompt_zh = \"示\"\n{extra}"
    )
}

#[test]
fn rejects_malformed_codes() {
    for code in ["9", "9a", "ABCD", "1234", "12A", " 1"] {
        let e = error_of(&one_entry(code, ""));
        assert_eq!(e.kind(), &TableErrorKind::MalformedCode, "{code}");
        assert_eq!(e.entry(), Some(code));
        assert_eq!(e.section(), SectionName::Code);
    }
}

#[test]
fn rejects_duplicate_codes() {
    let entry = one_entry("N1", "");
    let second = entry.find("[[code]]").map_or("", |at| &entry[at..]);
    let src = format!("{entry}{second}");
    let e = error_of(&src);
    assert_eq!(e.kind(), &TableErrorKind::Duplicate);
    assert_eq!(e.to_string(), "[[code]] \"N1\": listed twice");
}

#[test]
fn rejects_unknown_names_and_says_which_entry() {
    let e = error_of(&one_entry("N1", "").replace("card_account", "cards"));
    assert_eq!(e.to_string(), "[[code]] \"N1\": unknown category \"cards\"");
    let e = error_of(&one_entry("N1", "flags = [\"pickup\"]"));
    assert_eq!(e.kind(), &TableErrorKind::UnknownFlag("pickup".into()));
    let e = error_of(&one_entry("N1", "").replace("\"never\"", "\"sometimes\""));
    assert_eq!(e.kind(), &TableErrorKind::UnknownRetry("sometimes".into()));
    let e = error_of(&one_entry("N1", "").replace("\"issuer\"", "\"bank\""));
    assert_eq!(e.kind(), &TableErrorKind::UnknownResponsible("bank".into()));
    let e = error_of(&format!("base = \"amex\"\n{}", one_entry("N1", "")));
    assert_eq!(e.kind(), &TableErrorKind::UnknownBase("amex".into()));
    assert_eq!(e.section(), SectionName::Header);
}

#[test]
fn rejects_unknown_keys_empty_texts_and_inconsistent_entries() {
    let e = error_of(&one_entry("N1", "colour = \"red\""));
    assert!(
        matches!(e.kind(), TableErrorKind::Syntax(m) if m.contains("colour")),
        "{e}"
    );
    let e = error_of(&one_entry("N1", "").replace("meaning = \"m\"", "meaning = \" \""));
    assert_eq!(e.kind(), &TableErrorKind::EmptyText("meaning"));
    let e = error_of(&one_entry("N1", "flags = [\"pick_up\"]"));
    assert!(matches!(e.kind(), TableErrorKind::Inconsistent(_)));
    let e = error_of(&one_entry("N1", "").replace("card_account", "approved"));
    assert!(matches!(e.kind(), TableErrorKind::Inconsistent(_)));
}
