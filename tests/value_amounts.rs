//! `iso8583_wire::value::Amount` and `Currency`: the ISO 4217 table, amounts as text and JSON,
//! every error case with its kind, and the pairing of DE4/DE5/DE6 with DE49/DE50/DE51 on real
//! specs.
// A test stops at its first failure: unwrapping, panicking and indexing are how it says so.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use iso8583_wire::value::{Amount, AmountKind, Currency, ParseError, ParseErrorKind};
use iso8583_wire::{EncodeErrorKind, Message, MessageView, Mti, Spec};
use std::collections::HashSet;
use std::str::FromStr;

fn kind<T: FromStr<Err = ParseError>>(text: &str) -> ParseErrorKind {
    match text.parse::<T>() {
        Ok(_) => panic!("{text:?} was accepted"),
        Err(e) => e.kind(),
    }
}

// ---------------------------------------------------------------- currencies

#[test]
fn currency_table_has_the_iso_4217_exponents() {
    let cases: [(&str, u16, Option<u8>); 10] = [
        ("JPY", 392, Some(0)),
        ("KWD", 414, Some(3)),
        ("BHD", 48, Some(3)),
        ("CLF", 990, Some(4)),
        ("USD", 840, Some(2)),
        ("CNY", 156, Some(2)),
        ("EUR", 978, Some(2)),
        ("UYW", 927, Some(4)),
        ("XAU", 959, None),
        ("KRW", 410, Some(0)),
    ];
    for (alpha, numeric, exponent) in cases {
        let by_alpha = Currency::from_alpha(alpha).unwrap();
        let by_numeric = Currency::from_numeric(numeric).unwrap();
        assert_eq!(by_alpha, by_numeric, "{alpha}");
        assert_eq!(by_alpha.alpha(), alpha);
        assert_eq!(by_alpha.numeric(), numeric);
        assert_eq!(by_alpha.exponent(), exponent, "{alpha}");
        assert_eq!(format!("{numeric:03}").parse::<Currency>(), Ok(by_alpha));
    }
    assert_eq!("048".parse::<Currency>().unwrap().alpha(), "BHD");
    assert_eq!(Currency::from_alpha("XAU").unwrap().decimal_places(), 0);
}

#[test]
fn currency_table_is_sorted_unique_and_complete() {
    let all = Currency::all();
    assert!(all.len() >= 175, "{} currencies", all.len());
    assert!(all.windows(2).all(|w| w[0].alpha() < w[1].alpha()));
    let numerics: HashSet<u16> = all.iter().map(Currency::numeric).collect();
    assert_eq!(numerics.len(), all.len());
    for c in all {
        assert!(c.alpha().len() == 3 && c.alpha().bytes().all(|b| b.is_ascii_uppercase()));
        assert!((1..=999).contains(&c.numeric()), "{c:?}");
        assert!(matches!(c.exponent(), None | Some(0..=4)), "{c:?}");
        assert_eq!(Currency::from_alpha(c.alpha()), Some(*c));
        assert_eq!(Currency::from_numeric(c.numeric()), Some(*c));
    }
    for (constant, alpha) in [
        (Currency::USD, "USD"),
        (Currency::EUR, "EUR"),
        (Currency::GBP, "GBP"),
        (Currency::JPY, "JPY"),
        (Currency::CNY, "CNY"),
    ] {
        assert_eq!(Currency::from_alpha(alpha), Some(constant));
    }
    // Withdrawn codes are not active currencies.
    assert_eq!(Currency::from_alpha("HRK"), None);
    assert_eq!(Currency::from_numeric(191), None);
}

#[test]
fn rejects_unknown_currency_codes() {
    assert_eq!(kind::<Currency>("ZZZ"), ParseErrorKind::UnknownCurrency);
    assert_eq!(kind::<Currency>("usd"), ParseErrorKind::UnknownCurrency);
    assert_eq!(kind::<Currency>("000"), ParseErrorKind::UnknownCurrency);
    assert_eq!(
        kind::<Currency>("84"),
        ParseErrorKind::Length {
            what: "currency code",
            found: 2,
            min: 3,
            max: 3
        }
    );
    let err = serde_json::from_str::<Currency>("1000").unwrap_err();
    assert!(
        err.to_string().contains("currency code has 4 characters"),
        "{err}"
    );
    assert_eq!(
        serde_json::from_str::<Currency>("840").unwrap(),
        Currency::USD
    );
    assert_eq!(
        serde_json::from_str::<Currency>("48").unwrap().alpha(),
        "BHD"
    );
    assert_eq!(serde_json::to_string(&Currency::EUR).unwrap(), r#""EUR""#);
}

// ---------------------------------------------------------------- amounts

#[test]
fn shows_amounts_with_the_currency_exponent() {
    let cases = [
        (1234, "USD", "12.34 USD"),
        (5, "USD", "0.05 USD"),
        (1234, "JPY", "1234 JPY"),
        (1234, "KWD", "1.234 KWD"),
        (1, "CLF", "0.0001 CLF"),
        (12, "XAU", "12 XAU"),
        (u64::MAX, "USD", "184467440737095516.15 USD"),
    ];
    for (minor, code, text) in cases {
        let amount = Amount::new(minor, Currency::from_alpha(code).unwrap());
        assert_eq!(amount.to_string(), text);
        assert_eq!(text.parse::<Amount>(), Ok(amount), "{text}");
        assert_eq!(
            serde_json::to_string(&amount).unwrap(),
            format!("\"{text}\"")
        );
    }
    assert_eq!("012.30 EUR".parse::<Amount>().unwrap().minor_units(), 1230);
}

#[test]
fn rejects_amounts_with_the_wrong_exponent() {
    let err = "12.345 USD".parse::<Amount>().unwrap_err();
    assert_eq!(
        err.kind(),
        ParseErrorKind::DecimalPlaces {
            currency: Currency::USD,
            expected: 2,
            found: 3
        }
    );
    assert_eq!(
        err.to_string(),
        "USD has 2 decimal places (ISO 4217 minor-unit exponent), found 3"
    );
    assert_eq!(
        kind::<Amount>("12 USD"),
        ParseErrorKind::DecimalPlaces {
            currency: Currency::USD,
            expected: 2,
            found: 0
        }
    );
    assert_eq!(
        kind::<Amount>("12.3 JPY"),
        ParseErrorKind::DecimalPlaces {
            currency: Currency::JPY,
            expected: 0,
            found: 1
        }
    );
    assert_eq!(
        kind::<Amount>("1.23 KWD"),
        ParseErrorKind::DecimalPlaces {
            currency: Currency::from_alpha("KWD").unwrap(),
            expected: 3,
            found: 2
        }
    );
    let json = serde_json::from_str::<Amount>(r#""12.345 USD""#).unwrap_err();
    assert!(
        json.to_string().contains("USD has 2 decimal places"),
        "{json}"
    );
}

#[test]
fn rejects_malformed_amounts() {
    assert_eq!(kind::<Amount>("12.34USD"), ParseErrorKind::AmountSyntax);
    assert_eq!(kind::<Amount>(".34 USD"), ParseErrorKind::AmountSyntax);
    assert_eq!(kind::<Amount>("12. JPY"), ParseErrorKind::AmountSyntax);
    assert_eq!(kind::<Amount>("12.34 ZZZ"), ParseErrorKind::UnknownCurrency);
    assert_eq!(
        kind::<Amount>("-1.00 USD"),
        ParseErrorKind::NotDigit {
            what: "amount",
            position: 0
        }
    );
    assert_eq!(
        kind::<Amount>("184467440737095516.16 USD"),
        ParseErrorKind::OutOfRange {
            what: "amount",
            min: 0,
            max: u64::MAX
        }
    );
    assert!(serde_json::from_str::<Amount>("1234").is_err());
}

#[test]
fn pairs_each_amount_with_its_currency_element() {
    let spec = Spec::builtin("iso8583-1987-ascii").unwrap();
    let kinds = [
        (AmountKind::Transaction, 4, 49, "12.34 USD"),
        (AmountKind::Settlement, 5, 50, "1.234 KWD"),
        (AmountKind::CardholderBilling, 6, 51, "1234 JPY"),
    ];
    let mut msg = Message::new(Mti::AUTHORIZATION_REQUEST);
    for (kind, amount_field, currency_field, text) in kinds {
        assert_eq!(
            (kind.amount_field(), kind.currency_field()),
            (amount_field, currency_field)
        );
        let amount: Amount = text.parse().unwrap();
        amount.set_into(&mut msg, spec, kind).unwrap();
    }
    assert_eq!(msg.field(spec, 4).unwrap().to_text(), "000000001234");
    assert_eq!(msg.field(spec, 49).unwrap().to_text(), "840");
    assert_eq!(msg.field(spec, 50).unwrap().to_text(), "414");
    assert_eq!(msg.field(spec, 51).unwrap().to_text(), "392");
    let wire = msg.to_vec(spec).unwrap();
    let view = MessageView::decode(spec, &wire).unwrap();
    for (kind, _, _, text) in kinds {
        let amount: Amount = text.parse().unwrap();
        assert_eq!(Amount::from_view(&view, kind), Ok(Some(amount)));
        assert_eq!(Amount::from_message(&msg, spec, kind), Ok(Some(amount)));
    }
}

#[test]
fn pairs_amounts_in_bcd_specs() {
    for name in ["iso8583-1987-binary", "visa-base1", "cup-pos"] {
        let spec = Spec::builtin(name).unwrap();
        let amount = Amount::new(10_000, Currency::CNY);
        let mut msg = Message::new(Mti::FINANCIAL_REQUEST);
        msg.set_header(vec![0x60; spec.layout().header_length]);
        amount
            .set_into(&mut msg, spec, AmountKind::Transaction)
            .unwrap();
        let wire = msg.to_vec(spec).unwrap();
        let view = MessageView::decode(spec, &wire).unwrap();
        assert_eq!(
            Amount::from_view(&view, AmountKind::Transaction),
            Ok(Some(amount)),
            "{name}"
        );
        assert_eq!(Amount::from_view(&view, AmountKind::Settlement), Ok(None));
    }
}

#[test]
fn reads_an_alpha_currency_code_in_an_an_field() {
    let spec = Spec::builtin("iso8583-1987-ascii").unwrap();
    let mut msg = Message::new(Mti::FINANCIAL_REQUEST);
    msg.set(spec, 4, "000000000500")
        .unwrap()
        .set(spec, 49, "EUR")
        .unwrap();
    assert_eq!(
        Amount::from_message(&msg, spec, AmountKind::Transaction),
        Ok(Some(Amount::new(500, Currency::EUR)))
    );
}

#[test]
fn rejects_an_amount_without_a_known_currency() {
    let spec = Spec::builtin("iso8583-1987-ascii").unwrap();
    let mut msg = Message::new(Mti::FINANCIAL_REQUEST);
    msg.set(spec, 4, "000000000500").unwrap();
    let err = Amount::from_message(&msg, spec, AmountKind::Transaction).unwrap_err();
    assert_eq!(
        (err.kind(), err.field()),
        (ParseErrorKind::Missing, Some(49))
    );
    assert_eq!(err.to_string(), "DE49: absent");

    msg.set(spec, 49, "000").unwrap();
    let wire = msg.to_vec(spec).unwrap();
    let view = MessageView::decode(spec, &wire).unwrap();
    let err = Amount::from_view(&view, AmountKind::Transaction).unwrap_err();
    assert_eq!(
        (err.kind(), err.field()),
        (ParseErrorKind::UnknownCurrency, Some(49))
    );
    assert_eq!(
        err.to_string(),
        "DE49: not an active ISO 4217 currency code"
    );

    // No amount at all is not an error.
    let empty = Message::new(Mti::FINANCIAL_REQUEST);
    assert_eq!(
        Amount::from_message(&empty, spec, AmountKind::Transaction),
        Ok(None)
    );
}

#[test]
fn refuses_to_set_an_amount_the_field_cannot_hold() {
    let spec = Spec::builtin("iso8583-1987-ascii").unwrap();
    let mut msg = Message::new(Mti::FINANCIAL_REQUEST);
    let err = Amount::new(1_000_000_000_000, Currency::USD)
        .set_into(&mut msg, spec, AmountKind::Transaction)
        .unwrap_err();
    assert_eq!(err.field(), Some(4));
    assert_eq!(
        err.kind(),
        EncodeErrorKind::LengthOutOfRange {
            len: 13,
            min: 12,
            max: 12
        }
    );
    assert!(!msg.has(4) && !msg.has(49));
}
