//! Properties of the value types: every valid value round trips through `Display`/`FromStr`
//! and through serde_json unchanged; no text makes a parser panic; a PAN's error never holds
//! its digits; the Luhn digit and the inferred year agree with plain oracles written here.
// A test stops at its first failure: unwrapping, panicking and indexing are how it says so.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    // Random numbers are drawn in small ranges that fit every target type.
    clippy::cast_possible_truncation
)]

use iso8583_wire::value::{
    AccountType, Amount, CaptureDate, Currency, Date, Expiry, LocalDate, LocalTime, Pan,
    PanEntryMode, PinCapability, PosEntryMode, ProcessingCode, Rrn, Stan, StanGenerator,
    TransactionType, TransmissionDateTime,
};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt::{Debug, Display};
use std::str::FromStr;

/// Failing seeds go to `proptest-regressions/value_props.txt`.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/value_props.txt",
        ))),
        ..ProptestConfig::with_cases(cases)
    }
}

/// `value` shown and read back, and serialised and deserialised back, is `value`; the JSON
/// form is the text form as a string.
fn round_trips<T>(value: &T) -> Result<(), TestCaseError>
where
    T: Display + FromStr + Serialize + DeserializeOwned + PartialEq + Debug,
    <T as FromStr>::Err: Debug,
{
    let text = value.to_string();
    prop_assert_eq!(&text.parse::<T>().unwrap(), value);
    let json = serde_json::to_string(value).unwrap();
    prop_assert_eq!(&json, &serde_json::to_string(&text).unwrap());
    prop_assert_eq!(&serde_json::from_str::<T>(&json).unwrap(), value);
    Ok(())
}

/// The number of days of a month, leap years counted, as a plain table.
fn month_len(month: u8, leap: bool) -> u8 {
    [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ][usize::from(month - 1)]
}

fn leap(y: u16) -> bool {
    (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400)
}

/// A month and a day that exist in some year.
fn month_day() -> impl Strategy<Value = (u8, u8)> {
    (1u8..=12).prop_flat_map(|m| (Just(m), 1..=month_len(m, true)))
}

/// A date of the years 1901 to 2199.
fn any_date() -> impl Strategy<Value = Date> {
    (1901u16..=2199, 1u8..=12)
        .prop_flat_map(|(y, m)| (Just(y), Just(m), 1..=month_len(m, leap(y))))
        .prop_map(|(y, m, d)| Date::new(y, m, d).unwrap())
}

/// The Luhn check digit, written the textbook way: double every second digit from the right
/// of the whole number, check digit included, and the sum must end in 0.
fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digits
        .chars()
        .rev()
        .enumerate()
        .map(|(i, c)| {
            let d = c.to_digit(10).unwrap();
            if i % 2 == 1 {
                let t = d * 2;
                if t > 9 {
                    t - 9
                } else {
                    t
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn round_trips_amounts(minor in any::<u64>(), i in 0usize..1000) {
        let all = Currency::all();
        let currency = all[i % all.len()];
        round_trips(&Amount::new(minor, currency))?;
        round_trips(&currency)?;
        let places = usize::from(currency.decimal_places());
        let text = Amount::new(minor, currency).to_string();
        let number = text.split(' ').next().unwrap();
        let fraction = number.split_once('.').map_or(0, |(_, f)| f.len());
        prop_assert_eq!(fraction, places);
    }

    #[test]
    fn round_trips_stans(n in 1u32..=999_999) {
        let stan = Stan::new(n).unwrap();
        round_trips(&stan)?;
        prop_assert_eq!(serde_json::from_str::<Stan>(&n.to_string()).unwrap(), stan);
        prop_assert_eq!(stan.to_string().len(), 6);
    }

    #[test]
    fn stan_generator_counts_round_the_ring(start in 1u32..=999_999, k in 0u32..50) {
        let g = StanGenerator::new(Stan::new(start).unwrap());
        for _ in 0..k {
            g.next();
        }
        let expected = (start - 1 + k) % 999_999 + 1;
        prop_assert_eq!(g.next().get(), expected);
    }

    #[test]
    fn round_trips_rrns(text in "[A-Za-z0-9 ]{11}[A-Za-z0-9]", rotate in 0usize..12) {
        let mut chars: Vec<char> = text.chars().collect();
        chars.rotate_left(rotate);
        let text: String = chars.into_iter().collect();
        let rrn: Rrn = text.parse().unwrap();
        prop_assert_eq!(rrn.as_str(), text.as_str());
        round_trips(&rrn)?;
    }

    #[test]
    fn round_trips_dates_and_times(
        (month, day) in month_day(),
        hour in 0u8..24,
        minute in 0u8..60,
        second in 0u8..60,
        yy in 0u16..100,
        date in any_date(),
    ) {
        let de7 = TransmissionDateTime::new(month, day, hour, minute, second).unwrap();
        round_trips(&de7)?;
        prop_assert_eq!(
            de7.to_string(),
            format!("{month:02}{day:02}{hour:02}{minute:02}{second:02}")
        );
        round_trips(&LocalTime::new(hour, minute, second).unwrap())?;
        round_trips(&LocalDate::new(month, day).unwrap())?;
        round_trips(&CaptureDate::new(month, day).unwrap())?;
        let expiry = Expiry::new(2000 + yy, month).unwrap();
        prop_assert_eq!(expiry.to_string(), format!("{yy:02}{month:02}"));
        round_trips(&expiry)?;
        round_trips(&date)?;
        prop_assert_eq!(Date::from_unix_days(date.unix_days()), Some(date));
    }

    #[test]
    fn round_trips_processing_codes_and_entry_modes(
        t in 0u8..100, from in 0u8..100, to in 0u8..100, pan in 0u8..100, pin in 0u8..10,
    ) {
        let code = ProcessingCode::new(
            TransactionType::new(t).unwrap(),
            AccountType::new(from).unwrap(),
            AccountType::new(to).unwrap(),
        );
        prop_assert_eq!(code.to_string(), format!("{t:02}{from:02}{to:02}"));
        round_trips(&code)?;
        let mode = PosEntryMode::new(PanEntryMode::new(pan).unwrap(), PinCapability::new(pin).unwrap());
        prop_assert_eq!(mode.to_string(), format!("{pan:02}{pin}"));
        round_trips(&mode)?;
    }

    #[test]
    fn round_trips_pans_in_clear_text_only(body in "[0-9]{11,18}") {
        let pan = Pan::with_check_digit(&body).unwrap();
        let clear = pan.clear_text().to_owned();
        prop_assert!(clear.starts_with(&body));
        prop_assert!(luhn_valid(&clear));
        prop_assert_eq!(clear.parse::<Pan>().unwrap(), pan);
        let json = serde_json::to_string(&pan.clear()).unwrap();
        prop_assert_eq!(serde_json::from_str::<Pan>(&json).unwrap(), pan);
        // The masked forms keep the first 6 and last 4 digits only, and are refused as input.
        let masked = pan.to_string();
        prop_assert_eq!(masked.len(), clear.len());
        prop_assert_eq!(&masked[..6], &clear[..6]);
        prop_assert_eq!(&masked[masked.len() - 4..], &clear[clear.len() - 4..]);
        prop_assert!(masked[6..masked.len() - 4].chars().all(|c| c == '*'));
        prop_assert!(masked.parse::<Pan>().is_err());
        prop_assert!(serde_json::from_str::<Pan>(&serde_json::to_string(&pan).unwrap()).is_err());
    }

    #[test]
    fn luhn_check_agrees_with_the_textbook_oracle(digits in "[0-9]{12,19}") {
        prop_assert_eq!(digits.parse::<Pan>().is_ok(), luhn_valid(&digits));
        if let Err(e) = digits.parse::<Pan>() {
            // Whatever is wrong, the error holds none of the number.
            for shown in [e.to_string(), format!("{e:?}")] {
                prop_assert!(!shown.contains(&digits[..6]), "{}", shown);
                prop_assert!(!shown.contains(&digits[digits.len() - 4..]), "{}", shown);
            }
        }
    }

    #[test]
    fn infers_the_nearest_year(date in any_date(), today in any_date()) {
        // Brute force over the three candidate years.
        let day = LocalDate::new(date.month(), date.day()).unwrap();
        let best = [today.year() - 1, today.year(), today.year() + 1]
            .into_iter()
            .filter_map(|y| Date::new(y, date.month(), date.day()).ok())
            .min_by_key(|c| ((c.unix_days() - today.unix_days()).abs(), c.unix_days()));
        match best {
            Some(best) => {
                let got = day.date_near(today).unwrap();
                prop_assert_eq!(got, best);
                if (date.month(), date.day()) != (2, 29) {
                    prop_assert!((got.unix_days() - today.unix_days()).abs() <= 183);
                }
            }
            None => prop_assert!(day.date_near(today).is_err()),
        }
    }

    #[test]
    fn parsers_never_panic(text in "\\PC{0,24}", digits in "[0-9*. A-Z]{0,24}") {
        for t in [text.as_str(), digits.as_str()] {
            let _ = t.parse::<Amount>();
            let _ = t.parse::<Currency>();
            let _ = t.parse::<Stan>();
            let _ = t.parse::<Rrn>();
            let _ = t.parse::<TransmissionDateTime>();
            let _ = t.parse::<LocalTime>();
            let _ = t.parse::<LocalDate>();
            let _ = t.parse::<CaptureDate>();
            let _ = t.parse::<Expiry>();
            let _ = t.parse::<Date>();
            let _ = t.parse::<ProcessingCode>();
            let _ = t.parse::<PosEntryMode>();
            let _ = t.parse::<Pan>();
        }
    }
}
