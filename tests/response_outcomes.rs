//! Terminal-side outcomes (no field 39): each yields a category and says whether a reversal is
//! due; and the tally that summarises many diagnoses.
#![allow(clippy::expect_used, clippy::indexing_slicing)]

use iso8583_wire::response::{
    classify, Category, Diagnosis, Dialect, Flag, Lang, Outcome, Responsible, Retry, Tally,
};

#[test]
fn parses_every_outcome_name_and_rejects_others() {
    let names = [
        "connection-failed",
        "send-failed",
        "connection-lost",
        "no-response",
        "late-response",
        "response-mac-failed",
        "malformed-response",
        "cancelled-before-send",
        "terminated-after-approval",
    ];
    assert_eq!(names.len(), Outcome::ALL.len());
    for (name, outcome) in names.iter().zip(Outcome::ALL) {
        assert_eq!(name.parse::<Outcome>(), Ok(outcome));
        assert_eq!(outcome.to_string(), *name);
    }
    let err = "timeout".parse::<Outcome>().expect_err("not an outcome");
    assert!(err.to_string().contains("no-response"));
}

#[test]
fn classifies_no_response_after_a_complete_send_as_timeout_with_reversal() {
    let d = Diagnosis::for_outcome(Outcome::NoResponse);
    assert_eq!(d.category(), Category::Timeout);
    assert!(d.reversal());
    assert_eq!(d.retry(), Retry::AfterReversal);
    assert_eq!(d.code(), None);
    assert_eq!(d.outcome(), Some(Outcome::NoResponse));
}

#[test]
fn classifies_a_connection_lost_after_a_complete_send_as_network_fault_with_reversal() {
    let d = Diagnosis::for_outcome(Outcome::ConnectionLost);
    assert_eq!(d.category(), Category::NetworkFault);
    assert!(d.reversal());
    assert_eq!(d.retry(), Retry::AfterReversal);
    assert_eq!(d.responsible(), Responsible::Network);
    assert_eq!(d.outcome(), Some(Outcome::ConnectionLost));
    assert_eq!(
        "connection-lost".parse::<Outcome>(),
        Ok(Outcome::ConnectionLost)
    );
    assert!(d.meaning().contains("before an answer came"));
    assert_eq!(
        d.cashier_prompt(Lang::Zh),
        "连接中断，未收到应答，请等待冲正完成后重试"
    );
}

#[test]
fn classifies_connection_failure_without_reversal() {
    let d = Diagnosis::for_outcome(Outcome::ConnectionFailed);
    assert_eq!(d.category(), Category::ConnectionFailure);
    assert!(!d.reversal());
    assert_eq!(d.retry(), Retry::Immediately);
    assert_eq!(d.responsible(), Responsible::Network);
}

#[test]
fn classifies_every_outcome() {
    let expected = [
        (
            Outcome::ConnectionFailed,
            Category::ConnectionFailure,
            false,
        ),
        (Outcome::SendFailed, Category::NetworkFault, true),
        (Outcome::ConnectionLost, Category::NetworkFault, true),
        (Outcome::NoResponse, Category::Timeout, true),
        (Outcome::LateResponse, Category::Timeout, true),
        (Outcome::ResponseMacFailed, Category::NetworkFault, true),
        (Outcome::MalformedResponse, Category::NetworkFault, true),
        (Outcome::CancelledBeforeSend, Category::Terminated, false),
        (Outcome::TerminatedAfterApproval, Category::Terminated, true),
    ];
    for (outcome, category, reversal) in expected {
        let d = Diagnosis::for_outcome(outcome);
        assert_eq!(d.category(), category, "{outcome}");
        assert_eq!(d.reversal(), reversal, "{outcome}");
        assert_eq!(reversal, outcome.may_have_reached_host(), "{outcome}");
        assert!(!d.checklist().is_empty());
        assert!(!d.cashier_prompt(Lang::Zh).is_empty());
    }
    assert!(Diagnosis::for_outcome(Outcome::ResponseMacFailed)
        .flags()
        .contains(Flag::SignOn));
}

#[test]
fn serializes_an_outcome_with_its_name_as_code() {
    let v = serde_json::to_value(Diagnosis::for_outcome(Outcome::NoResponse)).expect("json");
    assert_eq!(v["code"], "no-response");
    assert_eq!(v["dialect"], serde_json::Value::Null);
    assert_eq!(v["category"], "timeout");
    assert_eq!(v["reversal"], true);
    assert_eq!(v["retry"], "after_reversal");
}

#[test]
fn renders_the_reversal_instruction_for_a_timeout() {
    let en = Diagnosis::for_outcome(Outcome::NoResponse).render(Lang::En);
    assert!(en.starts_with("no-response  "), "{en}");
    assert!(en.contains("Reversal: due"), "{en}");
    let zh = Diagnosis::for_outcome(Outcome::ConnectionFailed).render(Lang::Zh);
    assert!(zh.contains("冲正：不需要。"), "{zh}");
}

#[test]
fn tallies_categories_codes_and_failures() {
    let mut tally = Tally::new();
    for _ in 0..6 {
        tally.record(classify(Dialect::ChinaUnionPay, Some(b"0210"), b"00"));
    }
    tally.record(classify(Dialect::ChinaUnionPay, Some(b"0210"), b"96"));
    tally.record(classify(Dialect::ChinaUnionPay, Some(b"0210"), b"96"));
    tally.record(classify(Dialect::ChinaUnionPay, Some(b"0400"), b"98"));
    tally.record(Diagnosis::for_outcome(Outcome::NoResponse));
    tally.record_decode_failure();
    tally.record_no_field_39(Some(b"0210"));
    tally.record_no_field_39(Some(b"0200"));
    assert_eq!(tally.messages(), 13);
    assert_eq!(tally.diagnosed(), 10);
    assert_eq!(tally.decode_failures(), 1);
    assert_eq!(tally.responses_without_field_39(), 1);
    assert_eq!(tally.others_without_field_39(), 1);
    assert_eq!(tally.category(Category::Approved), 6);
    assert_eq!(tally.category(Category::SwitchFault), 2);
    assert_eq!(tally.category(Category::Timeout), 2);
    let codes = tally.codes();
    assert_eq!(codes.len(), 4);
    assert_eq!(codes[0].count(), 6);
    assert_eq!(
        codes[1]
            .diagnosis()
            .code()
            .map(|c| c.to_string())
            .as_deref(),
        Some("96")
    );

    let v = serde_json::to_value(&tally).expect("json");
    assert_eq!(v["messages"], 13);
    assert_eq!(v["decode_failures"], 1);
    assert_eq!(v["responses_without_field_39"], 1);
    assert_eq!(v["categories"][0]["category"], "approved");
    assert_eq!(v["categories"][0]["share"], 0.6);
    let reason = v["codes"]
        .as_array()
        .expect("codes")
        .iter()
        .find(|c| c["reversal_reason"] == true)
        .expect("the reversal reason is listed apart");
    assert_eq!(reason["code"], "98");
    assert_eq!(reason["category"], "timeout");

    let text = tally.render(Lang::En);
    assert!(text.contains("Switch or host fault"), "{text}");
    assert!(!text.contains("switch_fault"), "{text}");
    assert!(text.contains("60.0%"), "{text}");
    assert!(text.contains("(reversal reason)"), "{text}");

    let mut twice = tally.clone();
    twice.merge(&tally);
    assert_eq!(twice.category(Category::Approved), 12);
    assert_eq!(twice.codes()[0].count(), 12);
}
