//! Building, sharing, answering and showing messages.
// A test stops at its first failure: unwrapping, panicking and indexing are how it says so.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
use bytes::Bytes;
use iso8583_wire::{EncodeErrorKind, Message, MessageView, Mti, Spec};

const REQ: &[u8] = b"02007238048028C080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012TERM0001MERCHANT0000001840";
const PAN: &str = "4242424242424242";
const TRACK2: &str = "4242424242424242=29122011000000000000";

fn spec() -> &'static Spec {
    Spec::builtin("iso8583-1987-ascii").unwrap()
}

#[test]
fn builds_fixed_fields_with_padding() {
    let mut m = Message::new(Mti::FINANCIAL_REQUEST);
    m.set(spec(), 4, "10000").unwrap();
    m.set(spec(), 41, "TERM1").unwrap();
    m.set(spec(), 2, PAN).unwrap();
    assert_eq!(
        m.field(spec(), 4).unwrap().as_str().unwrap(),
        "000000010000"
    );
    assert_eq!(m.field(spec(), 41).unwrap().as_str().unwrap(), "TERM1   ");
    // Variable fields are not padded.
    assert_eq!(m.field(spec(), 2).unwrap().len(), 16);
    let expected = concat!(
        "0200",
        "5000000000800000",
        "164242424242424242",
        "000000010000",
        "TERM1   "
    );
    assert_eq!(m.to_vec(spec()).unwrap(), expected.as_bytes());
    assert_eq!(m.numbers().collect::<Vec<_>>(), [2, 4, 41]);
    // Setting again replaces; remove takes the field out.
    m.set(spec(), 4, "5").unwrap();
    assert_eq!(m.field(spec(), 4).unwrap().to_u64().unwrap(), 5);
    assert!(m.remove(41));
    assert!(!m.remove(41));
    assert!(!m.has(41));
}

#[test]
fn rejects_long_values_and_keeps_the_message() {
    let mut m = Message::new(Mti::FINANCIAL_REQUEST);
    m.set(spec(), 3, "000000").unwrap();
    let e = m.set(spec(), 3, "0000000").unwrap_err();
    assert_eq!(
        e.kind(),
        EncodeErrorKind::LengthOutOfRange {
            len: 7,
            min: 6,
            max: 6
        }
    );
    let e = m.set(spec(), 41, "TERMINAL1").unwrap_err();
    assert_eq!(e.field(), Some(41));
    // The failed sets changed nothing.
    assert_eq!(m.field(spec(), 3).unwrap().as_str().unwrap(), "000000");
    assert!(!m.has(41));
}

#[test]
fn decodes_into_message_sharing_the_buffer() {
    let input = Bytes::from_static(REQ);
    let range = input.as_ptr() as usize..input.as_ptr() as usize + input.len();
    let m = Message::decode(spec(), input.clone()).unwrap();
    for n in m.numbers() {
        let f = m.field(spec(), n).unwrap();
        let p = f.as_bytes().as_ptr() as usize;
        assert!(range.contains(&p), "DE{n} was copied");
        assert!(range.contains(&(p + f.as_bytes().len() - 1)), "DE{n}");
    }
    assert_eq!(m.field(spec(), 2).unwrap().as_str().unwrap(), PAN);
    assert_eq!(m.to_vec(spec()).unwrap(), REQ);
}

#[test]
fn response_maps_the_mti_and_echoes_fields() {
    let m = Message::decode(spec(), Bytes::from_static(REQ)).unwrap();
    let mut r = m.response(&[2, 3, 4, 11, 41, 99]).unwrap();
    assert_eq!(r.mti(), Mti::FINANCIAL_RESPONSE);
    assert_eq!(r.numbers().collect::<Vec<_>>(), [2, 3, 4, 11, 41]);
    r.set(spec(), 39, "00").unwrap();
    let wire = r.to_vec(spec()).unwrap();
    let v = MessageView::decode(spec(), &wire).unwrap();
    assert_eq!(v.mti().as_str(), "0210");
    assert_eq!(v.field(39).unwrap().as_str().unwrap(), "00");
    assert_eq!(v.field(11).unwrap().as_str().unwrap(), "123456");
    assert!(r.response(&[]).is_none(), "a response has no response");
    for (req, resp) in [
        ("0100", "0110"),
        ("0400", "0410"),
        ("0421", "0430"),
        ("0800", "0810"),
    ] {
        let m = Message::new(Mti::from_text(req).unwrap());
        assert_eq!(m.response(&[]).unwrap().mti().as_str(), resp);
    }
}

#[test]
fn masks_card_data_in_view_output() {
    let v = MessageView::decode(spec(), REQ).unwrap();
    let shown = [format!("{v}"), format!("{v:?}"), format!("{v:#?}")];
    for s in &shown {
        assert!(s.contains("424242******4242"), "{s}");
        assert!(!s.contains(PAN), "{s}");
        assert!(!s.contains("=2912"), "{s}");
        assert!(s.contains("TERM0001"), "{s}");
    }
    assert!(shown[0].contains("DE35  424242******4242=********************\n"));
    assert!(shown[0].starts_with("MTI 0200\nDE2   424242******4242\n"));
    let pan = v.field(2).unwrap();
    assert_eq!(format!("{pan:?}"), "DE2(424242******4242)");
    assert_eq!(pan.masked().to_string(), "424242******4242");
    assert_eq!(pan.unmasked().to_string(), PAN);
    let track = v.field(35).unwrap();
    assert_eq!(
        track.masked().to_string(),
        "424242******4242=********************"
    );
    assert_eq!(track.unmasked().to_string(), TRACK2);
    assert_eq!(
        format!("{:?}", track.masked()),
        "\"424242******4242=********************\""
    );
    // Fields without a mask show as they are.
    assert_eq!(v.field(41).unwrap().masked().to_string(), "TERM0001");
}

#[test]
fn hides_secret_fields() {
    let mut m = Message::new(Mti::FINANCIAL_REQUEST);
    m.set(spec(), 2, PAN).unwrap();
    m.set_binary(
        spec(),
        52,
        &[0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0],
    )
    .unwrap();
    m.set(spec(), 64, "00112233445566AA").unwrap();
    let wire = m.to_vec(spec()).unwrap();
    let v = MessageView::decode(spec(), &wire).unwrap();
    let pin = v.field(52).unwrap();
    assert_eq!(pin.masked().to_string(), "[HIDDEN]");
    assert_eq!(format!("{pin:?}"), "DE52([HIDDEN])");
    assert_eq!(pin.unmasked().to_string(), "123456789ABCDEF0");
    assert_eq!(v.field(64).unwrap().masked().to_string(), "[HIDDEN]");
    for s in [format!("{v}"), format!("{v:?}")] {
        assert!(!s.contains("123456789ABCDEF0"), "{s}");
        assert!(!s.contains("00112233445566AA"), "{s}");
        assert!(s.contains("[HIDDEN]"), "{s}");
    }
    // An owned message does not know its spec and shows no values at all.
    let debug = format!("{m:?}");
    assert!(
        !debug.contains("4242") && !debug.contains("1234"),
        "{debug}"
    );
}

/// The view is returned by value from every decode: it stays within 128 bytes (two cache
/// lines), which keeps creating and returning it cheap.
#[test]
fn a_view_fits_in_128_bytes() {
    assert!(std::mem::size_of::<MessageView<'_>>() <= 128);
}
