//! The value types of `iso8583_wire::value` other than amounts (`value_amounts.rs`): exact
//! values, every error case with its kind, the STAN generator under concurrency, and the year
//! inferred for dates sent without one.
// A test stops at its first failure: unwrapping, panicking and indexing are how it says so.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use iso8583_wire::value::{
    AccountType, CaptureDate, Date, Expiry, LocalDate, LocalTime, Pan, PanEntryMode, ParseError,
    ParseErrorKind, PinCapability, PosEntryMode, ProcessingCode, Rrn, Stan, StanGenerator,
    TransactionType, TransmissionDateTime,
};
use std::collections::HashSet;
use std::str::FromStr;

const PAN: &str = "4242424242424242";

fn kind<T: FromStr<Err = ParseError>>(text: &str) -> ParseErrorKind {
    match text.parse::<T>() {
        Ok(_) => panic!("{text:?} was accepted"),
        Err(e) => e.kind(),
    }
}

fn date(y: u16, m: u8, d: u8) -> Date {
    Date::new(y, m, d).unwrap()
}

// ---------------------------------------------------------------- STAN

#[test]
fn stan_is_one_to_999999() {
    assert_eq!(Stan::new(123).unwrap().to_string(), "000123");
    assert_eq!("000123".parse::<Stan>().unwrap().get(), 123);
    assert_eq!("123".parse::<Stan>().unwrap().get(), 123);
    let out_of_range = ParseErrorKind::OutOfRange {
        what: "STAN",
        min: 1,
        max: 999_999,
    };
    assert_eq!(Stan::new(0).unwrap_err().kind(), out_of_range);
    assert_eq!(Stan::new(1_000_000).unwrap_err().kind(), out_of_range);
    assert_eq!(kind::<Stan>("000000"), out_of_range);
    assert_eq!(
        kind::<Stan>("1000000"),
        ParseErrorKind::Length {
            what: "STAN",
            found: 7,
            min: 1,
            max: 6
        }
    );
    assert_eq!(
        kind::<Stan>("12a"),
        ParseErrorKind::NotDigit {
            what: "STAN",
            position: 2
        }
    );
    assert_eq!(serde_json::from_str::<Stan>("123").unwrap().get(), 123);
    assert_eq!(
        serde_json::from_str::<Stan>(r#""000123""#).unwrap().get(),
        123
    );
    assert!(serde_json::from_str::<Stan>("0").is_err());
    assert!(serde_json::from_str::<Stan>("1000000").is_err());
    assert!(serde_json::from_str::<Stan>("-1").is_err());
    assert_eq!(serde_json::to_string(&Stan::MAX).unwrap(), r#""999999""#);
    assert_eq!(Stan::MAX.successor(), Stan::MIN);
}

#[test]
fn stan_generator_wraps_from_999999_to_000001() {
    let g = StanGenerator::new(Stan::new(999_998).unwrap());
    let got: Vec<String> = (0..4).map(|_| g.next().to_string()).collect();
    assert_eq!(got, ["999998", "999999", "000001", "000002"]);
    assert_eq!(g.peek().get(), 3);
    assert_eq!(StanGenerator::default().next(), Stan::MIN);
}

#[test]
fn stan_generator_hands_out_no_duplicates_across_threads() {
    const THREADS: usize = 8;
    const EACH: usize = 2_000;
    // Start close to the end so that the wrap happens while the threads race.
    let first = 999_999 - 5_000;
    let g = StanGenerator::new(Stan::new(first).unwrap());
    let taken: Vec<Vec<u32>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|_| s.spawn(|| (0..EACH).map(|_| g.next().get()).collect::<Vec<u32>>()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let all: Vec<u32> = taken.iter().flatten().copied().collect();
    assert_eq!(all.len(), THREADS * EACH);
    let unique: HashSet<u32> = all.iter().copied().collect();
    assert_eq!(
        unique.len(),
        all.len(),
        "a trace number was handed out twice"
    );
    // Exactly the 16,000 numbers from `first` on, wrapping past 999999 to 1.
    let expected: HashSet<u32> = (first..=999_999).chain(1..=10_999).collect();
    assert_eq!(unique, expected);
    assert!(!unique.contains(&0));
    // Each thread saw its numbers in the generator's order (ascending, apart from the wrap).
    for t in &taken {
        let drops = t.windows(2).filter(|w| w[1] < w[0]).count();
        assert!(drops <= 1, "{drops} drops");
    }
    assert_eq!(g.peek().get(), 11_000);
}

// ---------------------------------------------------------------- RRN

#[test]
fn rrn_is_twelve_letters_digits_or_spaces() {
    for text in [
        "123456789012",
        "ABC123xyz789",
        "4012345     ",
        "   123456789",
    ] {
        let rrn: Rrn = text.parse().unwrap();
        assert_eq!(rrn.as_str(), text);
        assert_eq!(serde_json::to_string(&rrn).unwrap(), format!("\"{text}\""));
    }
    assert_eq!(
        kind::<Rrn>("12345678901"),
        ParseErrorKind::Length {
            what: "RRN",
            found: 11,
            min: 12,
            max: 12
        }
    );
    assert_eq!(
        kind::<Rrn>("12345678901!"),
        ParseErrorKind::NotAlphanumeric {
            what: "RRN",
            position: 11
        }
    );
    assert!(matches!(
        kind::<Rrn>("            "),
        ParseErrorKind::Length { found: 0, .. }
    ));
    assert!(serde_json::from_str::<Rrn>("123456789012").is_err());
}

// ---------------------------------------------------------------- dates and times

#[test]
fn rejects_impossible_dates_and_times() {
    assert_eq!(
        kind::<LocalDate>("0230"),
        ParseErrorKind::DayOutOfRange { month: 2, max: 29 }
    );
    assert_eq!(
        kind::<CaptureDate>("0431"),
        ParseErrorKind::DayOutOfRange { month: 4, max: 30 }
    );
    let month = ParseErrorKind::OutOfRange {
        what: "month",
        min: 1,
        max: 12,
    };
    assert_eq!(kind::<LocalDate>("1301"), month);
    assert_eq!(kind::<LocalDate>("0001"), month);
    assert_eq!(kind::<Expiry>("2913"), month);
    assert_eq!(kind::<Expiry>("2900"), month);
    assert_eq!(kind::<TransmissionDateTime>("1301120000"), month);
    assert_eq!(
        kind::<LocalDate>("0132"),
        ParseErrorKind::DayOutOfRange { month: 1, max: 31 }
    );
    assert!(matches!(
        kind::<LocalDate>("0100"),
        ParseErrorKind::OutOfRange { what: "day", .. }
    ));
    assert_eq!(
        kind::<TransmissionDateTime>("0230120000"),
        ParseErrorKind::DayOutOfRange { month: 2, max: 29 }
    );
    let hour = ParseErrorKind::OutOfRange {
        what: "hour",
        min: 0,
        max: 23,
    };
    assert_eq!(kind::<LocalTime>("240000"), hour);
    assert_eq!(kind::<TransmissionDateTime>("1231240000"), hour);
    assert!(matches!(
        kind::<LocalTime>("126000"),
        ParseErrorKind::OutOfRange { what: "minute", .. }
    ));
    assert!(matches!(
        kind::<LocalTime>("125960"),
        ParseErrorKind::OutOfRange { what: "second", .. }
    ));
    assert!(matches!(
        kind::<LocalTime>("12000"),
        ParseErrorKind::Length { .. }
    ));
    assert!(matches!(
        kind::<LocalDate>("01-01"),
        ParseErrorKind::Length { .. }
    ));
    assert_eq!(
        Date::new(2026, 2, 29).unwrap_err().kind(),
        ParseErrorKind::NotLeapYear { year: 2026 }
    );
    assert_eq!(
        Date::new(1900, 2, 29).unwrap_err().kind(),
        ParseErrorKind::NotLeapYear { year: 1900 }
    );
    assert!(Date::new(2000, 2, 29).is_ok());
    assert!("2026-02-29".parse::<Date>().is_err());
}

#[test]
fn reads_valid_dates_and_times() {
    let t: TransmissionDateTime = "0229235959".parse().unwrap();
    assert_eq!(
        (t.month(), t.day(), t.hour(), t.minute(), t.second()),
        (2, 29, 23, 59, 59)
    );
    assert_eq!(t.to_string(), "0229235959");
    let lt: LocalTime = "000000".parse().unwrap();
    assert_eq!((lt.hour(), lt.minute(), lt.second()), (0, 0, 0));
    let e: Expiry = "2912".parse().unwrap();
    assert_eq!((e.year(), e.month()), (2029, 12));
    assert_eq!("9901".parse::<Expiry>().unwrap().year(), 2099);
    assert_eq!("0001".parse::<Expiry>().unwrap().year(), 2000);
    assert!(!e.is_expired_on(date(2029, 12, 31)));
    assert!(e.is_expired_on(date(2030, 1, 1)));
    assert!(Expiry::new(2100, 1).is_err());
    assert_eq!(Expiry::new(2031, 7).unwrap().to_string(), "3107");
    assert_eq!(
        serde_json::from_str::<LocalDate>("101")
            .unwrap()
            .to_string(),
        "0101"
    );
    assert_eq!(serde_json::to_string(&e).unwrap(), r#""2912""#);
}

#[test]
fn makes_dates_from_a_clock_reading() {
    // 2026-12-06T18:50:03Z.
    let secs = 1_796_583_003;
    assert_eq!(Date::from_unix_seconds(secs), Some(date(2026, 12, 6)));
    assert_eq!(
        TransmissionDateTime::from_unix_seconds(secs).to_string(),
        "1206185003"
    );
    assert_eq!(Date::from_unix_seconds(0), Some(date(1970, 1, 1)));
    assert_eq!(Date::from_unix_days(-1), Some(date(1969, 12, 31)));
    assert_eq!(date(2024, 2, 29).unix_days(), 19_782);
    assert_eq!(Date::from_unix_seconds(u64::MAX), None);
    assert_eq!(date(2026, 1, 5).to_string(), "2026-01-05");
    assert_eq!("2026-01-05".parse::<Date>(), Ok(date(2026, 1, 5)));
}

#[test]
fn infers_the_year_nearest_today_around_new_year() {
    let jan1: LocalDate = "0101".parse().unwrap();
    let dec31: LocalDate = "1231".parse().unwrap();
    assert_eq!(jan1.date_near(date(2026, 12, 31)), Ok(date(2027, 1, 1)));
    assert_eq!(dec31.date_near(date(2027, 1, 1)), Ok(date(2026, 12, 31)));
    assert_eq!(dec31.date_near(date(2026, 12, 31)), Ok(date(2026, 12, 31)));
    assert_eq!(jan1.date_near(date(2027, 6, 30)), Ok(date(2027, 1, 1)));
    assert_eq!(jan1.date_near(date(2027, 7, 3)), Ok(date(2028, 1, 1)));
    // 2024-07-02 is 183 days from both 1 January 2024 and 1 January 2025: the earlier wins.
    assert_eq!(jan1.date_near(date(2024, 7, 2)), Ok(date(2024, 1, 1)));
    let capture: CaptureDate = "1230".parse().unwrap();
    assert_eq!(capture.date_near(date(2027, 1, 2)), Ok(date(2026, 12, 30)));
    let de7: TransmissionDateTime = "0101000001".parse().unwrap();
    assert_eq!(de7.date_near(date(2026, 12, 31)), Ok(date(2027, 1, 1)));
}

#[test]
fn infers_29_february_only_in_a_leap_year() {
    let leap_day: LocalDate = "0229".parse().unwrap();
    assert_eq!(leap_day.date_near(date(2024, 3, 1)), Ok(date(2024, 2, 29)));
    assert_eq!(
        leap_day.date_near(date(2027, 12, 31)),
        Ok(date(2028, 2, 29))
    );
    assert_eq!(leap_day.date_near(date(2025, 1, 15)), Ok(date(2024, 2, 29)));
    assert_eq!(
        leap_day.date_near(date(2026, 6, 15)).unwrap_err().kind(),
        ParseErrorKind::NoLeapYearNear
    );
    // 28 February takes the nearest year as any other date does.
    let feb28: LocalDate = "0228".parse().unwrap();
    assert_eq!(feb28.date_near(date(2026, 6, 15)), Ok(date(2026, 2, 28)));
}

// ---------------------------------------------------------------- DE3 and DE22

#[test]
fn reads_processing_codes() {
    let p: ProcessingCode = "003000".parse().unwrap();
    assert_eq!(p.transaction, TransactionType::PURCHASE);
    assert_eq!(p.from_account, AccountType::CREDIT);
    assert_eq!(p.to_account, AccountType::DEFAULT);
    assert_eq!(p.to_string(), "003000");
    let refund: ProcessingCode = "200020".parse().unwrap();
    assert_eq!(refund.transaction.name(), Some("refund"));
    assert_eq!(refund.to_account, AccountType::CHECKING);
    assert_eq!(
        ProcessingCode::new(
            TransactionType::BALANCE_INQUIRY,
            AccountType::SAVINGS,
            AccountType::DEFAULT
        )
        .to_string(),
        "311000"
    );
    let unnamed: ProcessingCode = "987654".parse().unwrap();
    assert_eq!(
        (
            unnamed.transaction.code(),
            unnamed.from_account.code(),
            unnamed.to_account.code()
        ),
        (98, 76, 54)
    );
    assert_eq!(unnamed.transaction.name(), None);
    assert_eq!(TransactionType::new(100), None);
    assert_eq!(
        kind::<ProcessingCode>("0000a0"),
        ParseErrorKind::NotDigit {
            what: "processing code",
            position: 4
        }
    );
    assert!(matches!(
        kind::<ProcessingCode>("00000"),
        ParseErrorKind::Length { .. }
    ));
    let from_integer: ProcessingCode = serde_json::from_str("200000").unwrap();
    assert_eq!(
        from_integer,
        ProcessingCode {
            to_account: AccountType::DEFAULT,
            ..refund
        }
    );
    assert_eq!(
        serde_json::from_str::<ProcessingCode>("3000")
            .unwrap()
            .to_string(),
        "003000"
    );
}

#[test]
fn reads_pos_entry_modes() {
    let chip: PosEntryMode = "051".parse().unwrap();
    assert_eq!(chip.pan_entry, PanEntryMode::CHIP);
    assert_eq!(chip.pin_capability, PinCapability::CAN_ACCEPT_PIN);
    assert_eq!(chip.to_string(), "051");
    let tap: PosEntryMode = "072".parse().unwrap();
    assert_eq!(tap.pan_entry.name(), Some("contactless chip"));
    assert_eq!(tap.pin_capability, PinCapability::CANNOT_ACCEPT_PIN);
    assert_eq!(
        PosEntryMode::new(PanEntryMode::FULL_MAGNETIC_STRIPE, PinCapability::UNKNOWN).to_string(),
        "900"
    );
    assert_eq!(
        "911".parse::<PosEntryMode>().unwrap().pan_entry,
        PanEntryMode::CONTACTLESS_MAGNETIC_STRIPE
    );
    assert!(matches!(
        kind::<PosEntryMode>("0510"),
        ParseErrorKind::Length { .. }
    ));
    assert_eq!(
        serde_json::from_str::<PosEntryMode>("21")
            .unwrap()
            .to_string(),
        "021"
    );
    assert_eq!(PinCapability::new(10), None);
}

// ---------------------------------------------------------------- PAN

#[test]
fn pan_is_masked_everywhere_but_clear_text() {
    let pan: Pan = PAN.parse().unwrap();
    assert_eq!(pan.to_string(), "424242******4242");
    assert_eq!(format!("{pan:?}"), r#"Pan("424242******4242")"#);
    assert_eq!(
        serde_json::to_string(&pan).unwrap(),
        r#""424242******4242""#
    );
    assert_eq!(pan.clear_text(), PAN);
    assert_eq!(pan.clear().to_string(), PAN);
    assert_eq!(
        serde_json::to_string(&pan.clear()).unwrap(),
        format!("\"{PAN}\"")
    );
    assert_eq!(format!("{:?}", pan.clear()), r#"Pan("424242******4242")"#);
    assert_eq!(pan.len(), 16);
    let back: Pan = serde_json::from_str(&serde_json::to_string(&pan.clear()).unwrap()).unwrap();
    assert_eq!(back, pan);
    let short: Pan = "400000000002".parse().unwrap();
    assert_eq!(short.to_string(), "400000**0002");
}

#[test]
fn rejects_bad_pans_without_showing_them() {
    let bad_luhn = "4242424242424241";
    let err = bad_luhn.parse::<Pan>().unwrap_err();
    assert_eq!(err.kind(), ParseErrorKind::Luhn);
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains("424242"), "{shown}");
    }
    let masked = "424242******4242";
    assert_eq!(kind::<Pan>(masked), ParseErrorKind::MaskedPan);
    let json = serde_json::from_str::<Pan>(&format!("\"{masked}\"")).unwrap_err();
    assert!(json.to_string().contains("masked"), "{json}");
    assert!(!json.to_string().contains("4242"), "{json}");
    let json = serde_json::from_str::<Pan>(&format!("\"{bad_luhn}\"")).unwrap_err();
    assert!(json.to_string().contains("Luhn"), "{json}");
    assert!(!json.to_string().contains("4242"), "{json}");
    assert_eq!(
        kind::<Pan>("42424242424"),
        ParseErrorKind::Length {
            what: "PAN",
            found: 11,
            min: 12,
            max: 19
        }
    );
    assert!(matches!(
        kind::<Pan>("42424242424242424242"),
        ParseErrorKind::Length { found: 20, .. }
    ));
    assert_eq!(
        kind::<Pan>("4242 42424242424"),
        ParseErrorKind::NotDigit {
            what: "PAN",
            position: 4
        }
    );
}

#[test]
fn completes_a_pan_with_its_check_digit() {
    assert_eq!(
        Pan::with_check_digit("424242424242424")
            .unwrap()
            .clear_text(),
        PAN
    );
    assert_eq!(
        Pan::with_check_digit("7992739871").unwrap_err().kind(),
        ParseErrorKind::Length {
            what: "PAN",
            found: 10,
            min: 11,
            max: 18
        }
    );
    // The classic example: 7992739871 has check digit 3.
    assert_eq!(
        Pan::with_check_digit("79927398710").unwrap().clear_text(),
        "799273987104"
    );
}
