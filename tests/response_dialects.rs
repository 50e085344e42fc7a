//! The differences between dialects recorded in the reference hold, and field 39 of a reversal
//! is read as a reason.
#![allow(clippy::expect_used, clippy::indexing_slicing)]

use iso8583_wire::response::{classify, Category, Dialect, Flag, Lang, Responsible, Retry};

const RESPONSE: Option<&[u8]> = Some(b"0210");

#[test]
fn classifies_98_as_issuer_timeout_for_cup_but_national_use_for_iso_1987() {
    let cup = classify(Dialect::ChinaUnionPay, RESPONSE, b"98");
    assert_eq!(cup.category(), Category::Timeout);
    assert_eq!(cup.responsible(), Responsible::Issuer);
    assert_eq!(cup.class(), Some("E"));
    assert_eq!(cup.meaning_zh(), "交换中心收不到发卡方应答");
    assert!(!cup.reversal(), "a definitive answer was received");
    let iso = classify(Dialect::Iso8583_1987, RESPONSE, b"98");
    assert_eq!(iso.category(), Category::Unknown);
    assert!(iso.meaning().contains("national use"));
}

#[test]
fn classifies_05_as_identity_verification_failure_for_cup() {
    let cup = classify(Dialect::ChinaUnionPay, RESPONSE, b"05");
    assert!(cup.meaning().contains("identity verification failed"));
    assert!(cup.meaning_zh().starts_with("身份认证失败"));
    assert_eq!(cup.cashier_prompt(Lang::Zh), "持卡人认证失败");
    let iso = classify(Dialect::Iso8583_1987, RESPONSE, b"05");
    assert_eq!(iso.meaning(), "Do not honour");
    assert_eq!(iso.category(), Category::CardAccount);
}

#[test]
fn classifies_visa_85_as_an_approval() {
    let visa = classify(Dialect::Visa, RESPONSE, b"85");
    assert_eq!(visa.category(), Category::Approved);
    assert!(visa.meaning().starts_with("No reason to decline"));
    assert_eq!(
        classify(Dialect::Mastercard, RESPONSE, b"85").category(),
        Category::Approved
    );
    assert_eq!(
        classify(Dialect::Iso8583_1987, RESPONSE, b"85").category(),
        Category::Unknown
    );
}

#[test]
fn classifies_70_differently_for_visa_and_mastercard() {
    let visa = classify(Dialect::Visa, RESPONSE, b"70");
    let mc = classify(Dialect::Mastercard, RESPONSE, b"70");
    assert_eq!(visa.meaning(), "PIN data required");
    assert_eq!(mc.meaning(), "Contact card issuer");
    assert_eq!(visa.responsible(), Responsible::Cardholder);
    assert_eq!(mc.responsible(), Responsible::Issuer);
    assert_eq!(
        classify(Dialect::Iso8583_1987, RESPONSE, b"70").category(),
        Category::Unknown
    );
}

#[test]
fn classifies_909_as_malfunction_and_911_as_issuer_timeout_in_1993() {
    let d909 = classify(Dialect::Iso8583_1993, Some(b"1110"), b"909");
    assert_eq!(d909.category(), Category::SwitchFault);
    assert_eq!(d909.meaning(), "System malfunction");
    let d911 = classify(Dialect::Iso8583_1993, Some(b"1110"), b"911");
    assert_eq!(d911.category(), Category::Timeout);
    assert_eq!(d911.responsible(), Responsible::Issuer);
    assert_eq!(d911.meaning(), "Card issuer timed out");
    // Three-digit codes mean nothing to a two-character dialect.
    assert_eq!(
        classify(Dialect::Iso8583_1987, RESPONSE, b"911").category(),
        Category::Unknown
    );
}

#[test]
fn classifies_96_as_a_switch_fault_in_every_two_character_dialect() {
    for d in [
        Dialect::Iso8583_1987,
        Dialect::ChinaUnionPay,
        Dialect::Visa,
        Dialect::Mastercard,
    ] {
        let diag = classify(d, RESPONSE, b"96");
        assert_eq!(diag.category(), Category::SwitchFault, "{d}");
        // UnionPay's class C forbids an automatic retry; the others advise one later.
        let retry = if d == Dialect::ChinaUnionPay {
            Retry::NoAutomatic
        } else {
            Retry::Later
        };
        assert_eq!(diag.retry(), retry, "{d}");
        assert!(!diag.reversal());
    }
    let cup = classify(Dialect::ChinaUnionPay, RESPONSE, b"96");
    assert_eq!(cup.class(), Some("C"));
    assert_eq!(
        cup.cashier_prompt(Lang::Zh),
        "拒绝，交换中心异常，请稍后重试"
    );
}

#[test]
fn classifies_unionpay_sign_on_codes() {
    for code in [&b"77"[..], b"99", b"A0"] {
        let d = classify(Dialect::ChinaUnionPay, RESPONSE, code);
        assert_eq!(d.category(), Category::TerminalConfig);
        assert!(d.flags().contains(Flag::SignOn));
        assert_eq!(d.retry(), Retry::AfterSignOn);
    }
    assert_eq!(
        classify(Dialect::ChinaUnionPay, RESPONSE, b"77").class(),
        Some("D")
    );
    assert_eq!(
        classify(Dialect::ChinaUnionPay, RESPONSE, b"A0").class(),
        Some("B")
    );
    assert_eq!(
        classify(Dialect::ChinaUnionPay, RESPONSE, b"97").meaning_zh(),
        "POS终端号找不到"
    );
    for code in [&b"A2"[..], b"A4", b"A5", b"A6"] {
        assert_eq!(
            classify(Dialect::ChinaUnionPay, RESPONSE, code).category(),
            Category::Approved
        );
    }
}

#[test]
fn classifies_pick_up_codes_with_the_flag() {
    for code in [&b"04"[..], b"07", b"41", b"43"] {
        let d = classify(Dialect::Iso8583_1987, RESPONSE, code);
        assert_eq!(d.category(), Category::FraudSecurity);
        assert!(d.flags().contains(Flag::PickUp));
        assert_eq!(d.retry(), Retry::Never);
    }
    assert!(classify(Dialect::Visa, RESPONSE, b"1A")
        .flags()
        .contains(Flag::ScaRequired));
}

#[test]
fn falls_back_to_iso_1987_for_codes_visa_and_mastercard_do_not_redefine() {
    for d in [Dialect::Visa, Dialect::Mastercard] {
        let nsf = classify(d, RESPONSE, b"51");
        assert_eq!(nsf.meaning(), "Not sufficient funds");
        assert_eq!(nsf.dialect(), Some(d.as_str()));
    }
    assert!(classify(Dialect::Visa, RESPONSE, b"91")
        .meaning()
        .contains("stand-in"));
}

#[test]
fn classifies_unionpay_reversal_reasons_by_message_type() {
    let reason = |mti: &[u8], code: &[u8]| classify(Dialect::ChinaUnionPay, Some(mti), code);
    let r98 = reason(b"0400", b"98");
    assert!(r98.is_reversal_reason());
    assert_eq!(r98.category(), Category::Timeout);
    assert_eq!(r98.responsible(), Responsible::Network);
    assert_eq!(reason(b"0400", b"96").category(), Category::Terminated);
    assert_eq!(reason(b"0420", b"A0").category(), Category::NetworkFault);
    assert_eq!(reason(b"0400", b"06").meaning(), "Reversal reason: other");
    // Two BCD bytes work too.
    assert_eq!(
        reason(&[0x04, 0x00], b"96").category(),
        Category::Terminated
    );
    // The reversal response carries a result again.
    let answer = reason(b"0410", b"96");
    assert!(!answer.is_reversal_reason());
    assert_eq!(answer.category(), Category::SwitchFault);
    // A reason UnionPay does not define is unknown, with no retry advice.
    let odd = reason(b"0400", b"51");
    assert!(odd.is_reversal_reason());
    assert_eq!(odd.category(), Category::Unknown);
    assert_eq!(odd.retry(), Retry::NotApplicable);
}

#[test]
fn classifies_field_39_of_a_chargeback_as_a_result_not_a_reversal_reason() {
    // x4x2 and x4x3 come from the issuer: chargebacks (`Mti::is_chargeback`), not reversals,
    // so their field 39 is read as a result even in a dialect with reversal reasons. The
    // taxonomy used to read it as a reason.
    for mti in [&b"0422"[..], b"0402", b"0423", &[0x04, 0x22]] {
        let d = classify(Dialect::ChinaUnionPay, Some(mti), b"96");
        assert!(!d.is_reversal_reason(), "{mti:02X?}");
        assert_eq!(d.category(), Category::SwitchFault, "{mti:02X?}");
    }
    // A reversal's repeat, in ASCII or BCD, still carries a reason.
    for mti in [&b"0421"[..], &[0x04, 0x01]] {
        let d = classify(Dialect::ChinaUnionPay, Some(mti), b"98");
        assert!(d.is_reversal_reason(), "{mti:02X?}");
    }
}

#[test]
fn classifies_an_mti_that_is_not_digits_as_neither_reversal_nor_response() {
    let mut tally = iso8583_wire::response::Tally::new();
    for mti in [
        &b"04X0"[..],
        b"X400",
        b"0A00",
        &[0x04, 0xA0],
        &[0xA4, 0x00],
        b"040",
        b"04100",
        b"",
    ] {
        assert!(!classify(Dialect::ChinaUnionPay, Some(mti), b"98").is_reversal_reason());
        tally.record_no_field_39(Some(mti));
    }
    assert_eq!(tally.responses_without_field_39(), 0);
}

#[test]
fn counts_acknowledgements_without_field_39_as_responses() {
    // Functions 5 and 7 answer a notification and an instruction (`Mti::is_response`); the
    // taxonomy used to count only 1 and 3.
    let mut tally = iso8583_wire::response::Tally::new();
    for mti in [
        &b"1814"[..],
        b"1654",
        b"2674",
        &[0x18, 0x14],
        b"0210",
        b"0230",
    ] {
        tally.record_no_field_39(Some(mti));
    }
    tally.record_no_field_39(Some(b"1804"));
    tally.record_no_field_39(Some(b"0190"));
    assert_eq!(tally.responses_without_field_39(), 6);
    assert_eq!(tally.others_without_field_39(), 2);
}

#[test]
fn classifies_mastercard_82_as_timeout_in_a_reversal_and_policy_in_a_response() {
    let reversal = classify(Dialect::Mastercard, Some(b"0420"), b"82");
    assert_eq!(reversal.category(), Category::Timeout);
    let response = classify(Dialect::Mastercard, RESPONSE, b"82");
    assert_eq!(response.category(), Category::CardAccount);
    assert!(response.meaning().starts_with("Policy"));
    assert_eq!(
        classify(Dialect::Mastercard, Some(b"0400"), b"17").category(),
        Category::Terminated
    );
}

#[test]
fn keeps_1993_action_codes_in_a_1420_reversal() {
    let d = classify(Dialect::Iso8583_1993, Some(b"1420"), b"911");
    assert!(!d.is_reversal_reason(), "the 1993 reason is in field 25");
    assert_eq!(d.category(), Category::Timeout);
}

#[test]
fn serializes_exactly_the_documented_json_keys() {
    let d = classify(Dialect::ChinaUnionPay, RESPONSE, b"96");
    let v = serde_json::to_value(d.in_lang(Lang::Zh)).expect("serializes");
    let obj = v.as_object().expect("an object");
    let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    let mut expected = [
        "code",
        "dialect",
        "meaning",
        "meaning_zh",
        "category",
        "responsible",
        "retry",
        "reversal",
        "class",
        "flags",
        "cashier_prompt",
        "checklist",
    ];
    expected.sort_unstable();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(keys, expected);
    assert_eq!(v["code"], "96");
    assert_eq!(v["dialect"], "cup");
    assert_eq!(v["category"], "switch_fault");
    assert_eq!(v["responsible"], "switch");
    assert_eq!(v["retry"], "no_automatic");
    assert_eq!(v["reversal"], false);
    assert_eq!(v["class"], "C");
    assert_eq!(v["flags"], serde_json::json!([]));
    assert_eq!(v["cashier_prompt"], "拒绝，交换中心异常，请稍后重试");
    let steps = v["checklist"].as_array().expect("a list");
    assert_eq!(steps.len(), Category::SwitchFault.checklist().len());
    assert!(steps[0].as_str().is_some_and(|s| s.contains("ping")));
    let en = serde_json::to_value(classify(Dialect::Iso8583_1987, RESPONSE, b"04")).expect("json");
    assert_eq!(en["flags"], serde_json::json!(["pick_up"]));
    assert_eq!(en["class"], serde_json::Value::Null);
}

#[test]
fn renders_short_text_for_the_counter_in_both_languages() {
    let d = classify(Dialect::ChinaUnionPay, RESPONSE, b"96");
    let en = d.render(Lang::En);
    assert!(
        en.starts_with("96  Declined: switch fault, try again later\n"),
        "{en}"
    );
    assert!(en.contains("[class C: Failed, do not retry]"));
    assert!(en.contains("Reversal: not needed."));
    assert!(en.lines().count() <= 4, "{en}");
    let zh = d.render(Lang::Zh);
    assert!(
        zh.starts_with("96  拒绝，交换中心异常，请稍后重试\n"),
        "{zh}"
    );
    assert!(zh.contains("冲正：不需要。"));
    let op = d.render_operator(Lang::Zh);
    assert!(op.contains("排查步骤："));
    assert!(op.contains("[上报]"), "{op}");
    assert!(!op.contains("[escalation]"), "{op}");
}

/// An ASCII 0210 with only field 39 (`96`): MTI, primary bitmap with bit 39, the code.
fn sample_96() -> Vec<u8> {
    b"0210000000000200000096".to_vec()
}

#[test]
fn diagnoses_field_39_of_a_decoded_message() {
    use iso8583_wire::response::{diagnose, ResponseTable, Tally};
    use iso8583_wire::{MessageView, Spec};

    let spec = Spec::builtin("iso8583-1987-ascii").expect("built-in spec");
    let bytes = sample_96();
    let view = MessageView::decode(spec, &bytes).expect("sample decodes");
    let d = diagnose(Dialect::ChinaUnionPay, &view).expect("field 39 present");
    assert_eq!(d.code().map(|c| c.to_string()).as_deref(), Some("96"));
    assert_eq!(d.class(), Some("C"));
    assert_eq!(d.category(), Category::SwitchFault);

    let mut tally = Tally::new();
    tally.record_view(ResponseTable::builtin(Dialect::Iso8583_1987), &view);
    assert_eq!(tally.category(Category::SwitchFault), 1);
}
