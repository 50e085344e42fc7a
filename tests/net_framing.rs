//! `FrameCodec` as a tokio-util `Decoder` and `Encoder`: every length header kind, exclusive and
//! inclusive, written by the encoder and by `encode_message` and read back byte for byte;
//! several frames and keep-alives per buffer; partial input at every split point; the TPDU
//! split off and swapped for the answer; lengths above the maximum refused as soon as the
//! length header is in, with the stream offset of the bad frame; bad digits; and two
//! proptests: framed payload sequences come out whole whatever the chunking, and arbitrary bytes
//! give the same frames as `Framer::split_all` up to the first error.
#![cfg(feature = "net")]
#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unwrap_used
)]

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use iso8583_wire::frame::{FrameErrorKind, FrameHeader, Framer, LengthHeader};
use iso8583_wire::net::framing::{reply_header, FrameCodec, FramingError, Inbound, Outbound};
use iso8583_wire::{Message, Mti, Spec};
use proptest::prelude::*;
use tokio_util::codec::{Decoder, Encoder, FramedRead};

const PEERS: &str = include_str!("vectors/peers.json");

/// A TPDU as a terminal sends it: ID 0x60, destination 0008, source 0001.
const TPDU: [u8; 5] = [0x60, 0x00, 0x08, 0x00, 0x01];

fn spec() -> &'static Spec {
    Spec::builtin("iso8583-1987-ascii").expect("builtin spec")
}

/// Every length header kind, reached through its name so that a kind added to `NAMES` without
/// a variant (or the other way round) shows up here.
fn kinds() -> Vec<LengthHeader> {
    assert_eq!(LengthHeader::NAMES.len(), LengthHeader::ALL.len());
    LengthHeader::NAMES
        .iter()
        .map(|name| name.parse::<LengthHeader>().expect("a known name"))
        .collect()
}

/// Every framer shape: each kind, exclusive and inclusive, with and without a TPDU.
fn framers() -> Vec<Framer> {
    let mut out = Vec::new();
    for kind in kinds() {
        for inclusive in [false, true] {
            for header in [FrameHeader::None, FrameHeader::Tpdu] {
                out.push(Framer::new(kind).inclusive(inclusive).header(header));
            }
        }
    }
    out
}

/// The fixed header a framer expects, as a terminal would send it.
fn header_for(framer: &Framer) -> Bytes {
    match framer.frame_header() {
        FrameHeader::None => Bytes::new(),
        FrameHeader::Tpdu => Bytes::from_static(&TPDU),
        FrameHeader::Fixed(n) => Bytes::from(vec![0xAB; n]),
    }
}

fn sale(stan: u32) -> Message {
    let s = spec();
    let mut m = Message::new(Mti::FINANCIAL_REQUEST);
    m.set(s, 2, "4761739001010010")
        .and_then(|m| m.set(s, 3, "000000"))
        .and_then(|m| m.set(s, 4, "1000"))
        .and_then(|m| m.set(s, 7, "1206185003"))
        .and_then(|m| m.set(s, 11, format!("{stan:06}")))
        .and_then(|m| m.set(s, 41, "TERM0001"))
        .and_then(|m| m.set(s, 49, "840"))
        .expect("valid sale");
    m
}

/// The length header for `value`, written independently of the library: the oracle.
fn length_bytes(kind: LengthHeader, value: usize) -> Vec<u8> {
    match kind {
        LengthHeader::Binary2 => u16::try_from(value).unwrap().to_be_bytes().to_vec(),
        LengthHeader::Binary4 => u32::try_from(value).unwrap().to_be_bytes().to_vec(),
        LengthHeader::Bcd2 => {
            let d: Vec<u8> = format!("{value:04}").bytes().map(|b| b - b'0').collect();
            vec![(d[0] << 4) | d[1], (d[2] << 4) | d[3]]
        }
        LengthHeader::Ascii4 => format!("{value:04}").into_bytes(),
        LengthHeader::Hex4 => format!("{value:04X}").into_bytes(),
    }
}

/// The length header a framer writes for a body (fixed header and message) of `body` bytes.
fn expected_length(framer: &Framer, body: usize) -> Vec<u8> {
    let width = framer.length_header().width();
    let value = if framer.is_inclusive() {
        body + width
    } else {
        body
    };
    length_bytes(framer.length_header(), value)
}

fn encode(codec: &mut FrameCodec, item: Outbound) -> BytesMut {
    let mut buf = BytesMut::new();
    codec.encode(item, &mut buf).expect("encodes");
    buf
}

/// Decodes everything `buf` holds, expecting no error.
fn decode_all(codec: &mut FrameCodec, buf: &mut BytesMut) -> Vec<Inbound> {
    let mut out = Vec::new();
    while let Some(frame) = codec.decode(buf).expect("no framing error") {
        out.push(frame);
    }
    out
}

fn message(header: &Bytes, message: &[u8]) -> Inbound {
    Inbound::Message {
        header: header.clone(),
        message: Bytes::copy_from_slice(message),
    }
}

fn frame_error(result: Result<Option<Inbound>, FramingError>) -> (FrameErrorKind, u64) {
    match result {
        Err(FramingError::Frame {
            source,
            stream_offset,
        }) => {
            assert_eq!(source.offset(), 0, "the framer sees one frame at a time");
            (source.kind(), stream_offset)
        }
        other => panic!("expected a framing error, got {other:?}"),
    }
}

#[test]
fn round_trips_a_sale_through_the_encoder_and_encode_message_for_every_length_header() {
    let s = spec();
    let sale = sale(1);
    let encoded = sale.to_vec(s).expect("encodes");
    for framer in framers() {
        let header = header_for(&framer);
        let body = header.len() + encoded.len();
        let width = framer.length_header().width();
        let mut codec = FrameCodec::new(framer);

        let by_encoder = encode(
            &mut codec,
            Outbound::Message {
                header: header.clone(),
                message: Bytes::from(encoded.clone()),
            },
        );
        let mut by_message = BytesMut::new();
        codec
            .encode_message(&header, &sale, s, &mut by_message)
            .expect("encodes");
        assert_eq!(by_encoder, by_message, "{framer:?}");
        assert_eq!(by_encoder.len(), framer.encoded_len(body), "{framer:?}");
        assert_eq!(
            by_encoder[..width],
            expected_length(&framer, body)[..],
            "{framer:?}"
        );
        assert_eq!(by_encoder[width..width + header.len()], header[..]);
        assert_eq!(by_encoder[width + header.len()..], encoded[..]);

        // Read back: the same header and message, nothing left over, nothing more to come.
        let wire = by_encoder.clone().freeze();
        let mut buf = by_encoder;
        let frame = codec.decode(&mut buf).expect("decodes");
        assert_eq!(frame, Some(message(&header, &encoded)), "{framer:?}");
        assert!(buf.is_empty());
        assert_eq!(codec.decode(&mut buf).expect("empty"), None);
        let Some(Inbound::Message {
            header: h,
            message: m,
        }) = frame
        else {
            unreachable!()
        };
        assert_eq!(Message::decode(s, m.clone()).expect("decodes"), sale);
        // Written again from what was read: byte-identical.
        let again = encode(
            &mut codec,
            Outbound::Message {
                header: h,
                message: m,
            },
        );
        assert_eq!(again.freeze(), wire, "{framer:?}");
    }
}

#[test]
fn encode_message_appends_after_what_the_buffer_holds_and_leaves_it_alone_on_error() {
    let s = spec();
    for framer in framers() {
        let header = header_for(&framer);
        let codec = FrameCodec::new(framer);
        let mut buf = BytesMut::from(&b"already here"[..]);
        codec
            .encode_message(&header, &sale(2), s, &mut buf)
            .expect("encodes");
        assert!(buf.starts_with(b"already here"));
        let mut alone = BytesMut::new();
        codec
            .encode_message(&header, &sale(2), s, &mut alone)
            .expect("encodes");
        assert_eq!(buf[12..], alone[..], "{framer:?}");

        // A header of the wrong length is refused and nothing is written.
        let wrong = if header.is_empty() {
            Bytes::from_static(&TPDU)
        } else {
            Bytes::new()
        };
        let before = buf.clone();
        match codec.encode_message(&wrong, &sale(2), s, &mut buf) {
            Err(FramingError::Frame { source, .. }) => assert_eq!(
                source.kind(),
                FrameErrorKind::HeaderLength {
                    expected: header.len(),
                    actual: wrong.len()
                }
            ),
            other => panic!("expected a header length error, got {other:?}"),
        }
        assert_eq!(buf, before);
        let mut codec = codec;
        let refused = codec.encode(
            Outbound::Message {
                header: wrong,
                message: Bytes::from_static(b"0800"),
            },
            &mut buf,
        );
        assert!(matches!(refused, Err(FramingError::Frame { .. })));
        assert_eq!(buf, before);
    }
}

#[test]
fn encode_message_refuses_a_message_above_the_maximum_and_writes_nothing() {
    let s = spec();
    let encoded = sale(3).to_vec(s).expect("encodes");
    let framer = Framer::new(LengthHeader::Ascii4).max_len(encoded.len() - 1);
    let codec = FrameCodec::new(framer);
    let mut buf = BytesMut::new();
    match codec.encode_message(&[], &sale(3), s, &mut buf) {
        Err(FramingError::Frame { source, .. }) => assert_eq!(
            source.kind(),
            FrameErrorKind::TooLong {
                len: encoded.len(),
                max: encoded.len() - 1
            }
        ),
        other => panic!("expected too long, got {other:?}"),
    }
    assert!(buf.is_empty());
}

#[test]
fn keep_alives_round_trip_for_every_length_header() {
    for framer in framers() {
        let mut codec = FrameCodec::new(framer);
        let mut buf = encode(&mut codec, Outbound::KeepAlive);
        let width = framer.length_header().width();
        let value = if framer.is_inclusive() { width } else { 0 };
        assert_eq!(
            buf[..],
            length_bytes(framer.length_header(), value)[..],
            "{framer:?}"
        );
        assert_eq!(
            codec.decode(&mut buf).expect("decodes"),
            Some(Inbound::KeepAlive)
        );
        assert!(buf.is_empty());
        // A zero is read as a keep-alive by inclusive framers too.
        let mut zero = BytesMut::from(&length_bytes(framer.length_header(), 0)[..]);
        assert_eq!(
            codec.decode(&mut zero).expect("decodes"),
            Some(Inbound::KeepAlive)
        );
    }
}

#[test]
fn decodes_several_frames_and_keep_alives_from_one_buffer_in_order() {
    let s = spec();
    let messages: Vec<Vec<u8>> = (10..13)
        .map(|i| sale(i).to_vec(s).expect("encodes"))
        .collect();
    for framer in framers() {
        let header = header_for(&framer);
        let mut codec = FrameCodec::new(framer);
        let items = [
            Outbound::KeepAlive,
            Outbound::Message {
                header: header.clone(),
                message: Bytes::from(messages[0].clone()),
            },
            Outbound::Message {
                header: header.clone(),
                message: Bytes::from(messages[1].clone()),
            },
            Outbound::KeepAlive,
            Outbound::KeepAlive,
            Outbound::Message {
                header: header.clone(),
                // A frame of the fixed header alone, or of one byte.
                message: Bytes::from_static(b"x"),
            },
            Outbound::Message {
                header: header.clone(),
                message: Bytes::from(messages[2].clone()),
            },
        ];
        let mut buf = BytesMut::new();
        for item in items.iter().cloned() {
            codec.encode(item, &mut buf).expect("encodes");
        }
        // The start of one more frame stays in the buffer.
        let mut tail = BytesMut::new();
        codec
            .encode_message(&header, &sale(99), s, &mut tail)
            .expect("encodes");
        buf.extend_from_slice(&tail[..tail.len() / 2]);

        let got = decode_all(&mut codec, &mut buf);
        let expected = vec![
            Inbound::KeepAlive,
            message(&header, &messages[0]),
            message(&header, &messages[1]),
            Inbound::KeepAlive,
            Inbound::KeepAlive,
            message(&header, b"x"),
            message(&header, &messages[2]),
        ];
        assert_eq!(got, expected, "{framer:?}");
        assert_eq!(buf[..], tail[..tail.len() / 2], "the partial frame is kept");
        buf.extend_from_slice(&tail[tail.len() / 2..]);
        assert_eq!(
            decode_all(&mut codec, &mut buf),
            [message(&header, &sale(99).to_vec(s).expect("encodes"))]
        );
    }
}

#[test]
fn yields_none_at_every_split_point_then_the_frame() {
    let s = spec();
    let encoded = sale(4).to_vec(s).expect("encodes");
    for framer in framers() {
        let header = header_for(&framer);
        let mut codec = FrameCodec::new(framer);
        let wire = encode(
            &mut codec,
            Outbound::Message {
                header: header.clone(),
                message: Bytes::from(encoded.clone()),
            },
        );
        let expected = message(&header, &encoded);
        for k in 0..wire.len() {
            // Cut in two at k, on a fresh codec.
            let mut codec = FrameCodec::new(framer);
            let mut buf = BytesMut::from(&wire[..k]);
            assert_eq!(
                codec.decode(&mut buf).expect("no error"),
                None,
                "{framer:?} split at {k}"
            );
            assert_eq!(buf.len(), k, "nothing consumed before the frame is whole");
            buf.extend_from_slice(&wire[k..]);
            assert_eq!(
                codec.decode(&mut buf).expect("no error"),
                Some(expected.clone()),
                "{framer:?} split at {k}"
            );
            assert!(buf.is_empty());
        }
        // One byte at a time through one codec, twice over (the second frame after the first).
        let mut buf = BytesMut::new();
        let mut got = Vec::new();
        for &b in wire.iter().chain(wire.iter()) {
            buf.extend_from_slice(&[b]);
            if let Some(frame) = codec.decode(&mut buf).expect("no error") {
                got.push((frame, buf.len()));
            }
        }
        assert_eq!(got, [(expected.clone(), 0), (expected, 0)], "{framer:?}");
    }
    // A keep-alive of a 4-byte kind cut inside its length header.
    let mut codec = FrameCodec::new(Framer::new(LengthHeader::Ascii4));
    let mut buf = BytesMut::from(&b"000"[..]);
    assert_eq!(codec.decode(&mut buf).expect("no error"), None);
    buf.extend_from_slice(b"0");
    assert_eq!(
        codec.decode(&mut buf).expect("no error"),
        Some(Inbound::KeepAlive)
    );
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// The China UnionPay POS frame of `tests/vectors/peers.json`: 2-byte binary length 0x00A8,
/// TPDU 6000080000, a BCD 0200.
fn unionpay_wire() -> Vec<u8> {
    let peers: serde_json::Value = serde_json::from_str(PEERS).unwrap();
    let entry = peers
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            e["source"]
                .as_str()
                .unwrap()
                .starts_with("HosseinAssaran/ISO8583-Parser")
        })
        .unwrap();
    unhex(entry["wire_hex"].as_str().unwrap())
}

#[test]
fn splits_the_unionpay_tpdu_into_the_header_and_answers_with_it_swapped() {
    let wire = unionpay_wire();
    let framer = Framer::new(LengthHeader::Binary2).header(FrameHeader::Tpdu);
    let mut codec = FrameCodec::new(framer);
    let mut buf = BytesMut::from(&wire[..]);
    let Some(Inbound::Message { header, message }) = codec.decode(&mut buf).expect("decodes")
    else {
        panic!("expected a message");
    };
    assert!(buf.is_empty());
    assert_eq!(header[..], [0x60, 0x00, 0x08, 0x00, 0x00]);
    assert_eq!(message[..], wire[7..]);
    assert_eq!(message[..2], [0x02, 0x00], "BCD MTI 0200");

    let reply = reply_header(&header);
    assert_eq!(reply[..], [0x60, 0x00, 0x00, 0x00, 0x08]);
    assert_eq!(reply_header(&reply), header, "swapping twice gives it back");

    // Written back from the split parts through the encoder: the request's frame, and with the
    // swapped TPDU the answer's frame, which differs in the TPDU only.
    let mut same = encode(
        &mut codec,
        Outbound::Message {
            header: header.clone(),
            message: message.clone(),
        },
    );
    assert_eq!(same[..], wire[..]);
    let answer = encode(
        &mut codec,
        Outbound::Message {
            header: reply,
            message,
        },
    );
    assert_eq!(answer[..3], wire[..3]);
    assert_eq!(answer[3..7], [0x00, 0x00, 0x00, 0x08]);
    assert_eq!(answer[7..], wire[7..]);

    // Where the spec declares the TPDU as the message header, a framer without a fixed header
    // hands it over in the message, and `encode_message` writes the frame back byte for byte.
    let cup = Spec::builtin("cup-pos-tpdu").expect("builtin spec");
    let mut plain = FrameCodec::new(Framer::new(LengthHeader::Binary2));
    let Some(Inbound::Message { header, message }) = plain.decode(&mut same).expect("decodes")
    else {
        panic!("expected a message");
    };
    assert!(header.is_empty());
    let mut decoded = Message::decode(cup, message).expect("decodes");
    assert_eq!(decoded.mti().as_str(), "0200");
    assert_eq!(decoded.header(), [0x60, 0x00, 0x08, 0x00, 0x00]);
    let mut again = BytesMut::new();
    plain
        .encode_message(&[], &decoded, cup, &mut again)
        .expect("encodes");
    assert_eq!(again[..], wire[..], "re-encoded byte for byte");
    let swapped = reply_header(decoded.header());
    decoded.set_header(swapped);
    let mut answer = BytesMut::new();
    plain
        .encode_message(&[], &decoded, cup, &mut answer)
        .expect("encodes");
    assert_eq!(answer[3..7], [0x00, 0x00, 0x00, 0x08]);
    assert_eq!(answer[7..], wire[7..]);
}

#[test]
fn reply_header_swaps_only_a_tpdu_at_the_start() {
    assert_eq!(reply_header(&[]), Bytes::new());
    assert_eq!(reply_header(&[0x60, 0x00, 0x08])[..], [0x60, 0x00, 0x08]);
    assert_eq!(
        reply_header(&[0x60, 0x01, 0x02, 0x03, 0x04, 0xAA, 0xBB])[..],
        [0x60, 0x03, 0x04, 0x01, 0x02, 0xAA, 0xBB]
    );
    // A fixed header of another size still round-trips through the codec untouched.
    let framer = Framer::new(LengthHeader::Binary2).header(FrameHeader::Fixed(3));
    let mut codec = FrameCodec::new(framer);
    let mut buf = encode(
        &mut codec,
        Outbound::Message {
            header: Bytes::from_static(b"HDR"),
            message: Bytes::from_static(b"0800"),
        },
    );
    assert_eq!(buf[..], *b"\x00\x07HDR0800");
    assert_eq!(
        codec.decode(&mut buf).expect("decodes"),
        Some(message(&Bytes::from_static(b"HDR"), b"0800"))
    );
}

/// Frames of 10 and 20 bytes (after the length header) and a keep-alive, and the bytes they take.
fn three_good_frames(codec: &mut FrameCodec) -> (BytesMut, u64) {
    let header = header_for(codec.framer());
    let mut buf = BytesMut::new();
    for item in [
        Outbound::Message {
            header: header.clone(),
            message: Bytes::from(vec![b'a'; 10 - header.len()]),
        },
        Outbound::KeepAlive,
        Outbound::Message {
            message: Bytes::from(vec![b'b'; 20 - header.len()]),
            header,
        },
    ] {
        codec.encode(item, &mut buf).expect("encodes");
    }
    let len = buf.len() as u64;
    (buf, len)
}

#[test]
fn rejects_an_oversize_length_once_the_header_is_in_at_its_stream_offset() {
    for framer in framers() {
        let framer = framer.max_len(100);
        let width = framer.length_header().width();
        let mut codec = FrameCodec::new(framer);
        let (mut buf, offset) = three_good_frames(&mut codec);
        assert_eq!(decode_all(&mut codec, &mut buf).len(), 3);
        assert!(buf.is_empty());

        // 101 bytes claimed; only the length header arrives, a byte at a time.
        let raw = expected_length(&framer, 101);
        for (i, &b) in raw.iter().enumerate() {
            buf.extend_from_slice(&[b]);
            if i + 1 < width {
                assert_eq!(codec.decode(&mut buf).expect("partial"), None);
            }
        }
        assert_eq!(buf.len(), width, "only the length header is buffered");
        assert_eq!(
            frame_error(codec.decode(&mut buf)),
            (FrameErrorKind::TooLong { len: 101, max: 100 }, offset),
            "{framer:?}"
        );
        // Exactly the maximum is fine: the codec waits for it.
        let mut codec = FrameCodec::new(framer);
        let mut buf = BytesMut::from(&expected_length(&framer, 100)[..]);
        assert_eq!(codec.decode(&mut buf).expect("partial"), None);
    }
    // The largest value a 4-byte binary header can say is refused without sizing the buffer.
    let mut codec = FrameCodec::new(Framer::new(LengthHeader::Binary4));
    let mut buf = BytesMut::from(&[0xFF, 0xFF, 0xFF, 0xFF][..]);
    assert_eq!(
        frame_error(codec.decode(&mut buf)),
        (
            FrameErrorKind::TooLong {
                len: 0xFFFF_FFFF,
                max: Framer::DEFAULT_MAX_LEN
            },
            0
        )
    );
    assert!(buf.capacity() < 1024, "no room made for the claimed frame");
}

#[test]
fn rejects_invalid_length_digits_at_their_stream_offset() {
    let bad: [(LengthHeader, &[u8]); 8] = [
        (LengthHeader::Ascii4, b"01A8"),
        (LengthHeader::Ascii4, b" 168"),
        (LengthHeader::Ascii4, b"+168"),
        (LengthHeader::Bcd2, &[0x01, 0x6A]),
        (LengthHeader::Bcd2, &[0xA1, 0x00]),
        (LengthHeader::Hex4, b"00G8"),
        (LengthHeader::Hex4, b"0x10"),
        (LengthHeader::Hex4, b"-001"),
    ];
    for (kind, raw) in bad {
        for inclusive in [false, true] {
            let mut codec = FrameCodec::new(Framer::new(kind).inclusive(inclusive));
            let (mut buf, offset) = three_good_frames(&mut codec);
            buf.extend_from_slice(raw);
            buf.extend_from_slice(&[b'z'; 300]);
            for _ in 0..3 {
                codec.decode(&mut buf).expect("decodes").expect("a frame");
            }
            assert_eq!(
                frame_error(codec.decode(&mut buf)),
                (FrameErrorKind::InvalidLength, offset),
                "{kind} {raw:?}"
            );
        }
    }
    // An inclusive length below its own width, and a frame shorter than its TPDU.
    let mut codec = FrameCodec::new(Framer::new(LengthHeader::Binary2).inclusive(true));
    let mut buf = BytesMut::from(&b"\x00\x01x"[..]);
    assert_eq!(
        frame_error(codec.decode(&mut buf)),
        (FrameErrorKind::LengthBelowHeader { len: 1, min: 2 }, 0)
    );
    let mut codec = FrameCodec::new(Framer::new(LengthHeader::Binary2).header(FrameHeader::Tpdu));
    let mut buf = BytesMut::from(&b"\x00\x00\x00\x03\x60\x00\x08"[..]);
    assert_eq!(
        codec.decode(&mut buf).expect("decodes"),
        Some(Inbound::KeepAlive)
    );
    assert_eq!(
        frame_error(codec.decode(&mut buf)),
        (FrameErrorKind::ShorterThanHeader { len: 3, header: 5 }, 2)
    );
}

#[tokio::test]
async fn framed_read_ends_after_a_framing_error_and_reports_a_cut_frame() {
    let framer = Framer::new(LengthHeader::Binary2).max_len(100);
    let mut codec = FrameCodec::new(framer);
    let (mut wire, offset) = three_good_frames(&mut codec);
    wire.extend_from_slice(&[0xFF, 0xFF]);
    wire.extend_from_slice(&[0x00, 0x02, b'o', b'k']);
    let mut frames = FramedRead::new(&wire[..], FrameCodec::new(framer));
    for _ in 0..3 {
        assert!(matches!(frames.next().await, Some(Ok(_))));
    }
    match frames.next().await {
        Some(Err(FramingError::Frame {
            source,
            stream_offset,
        })) => {
            assert_eq!(stream_offset, offset);
            assert_eq!(
                source.kind(),
                FrameErrorKind::TooLong {
                    len: 0xFFFF,
                    max: 100
                }
            );
            // The error names positions and lengths only.
            let text = FramingError::Frame {
                source,
                stream_offset,
            }
            .to_string();
            assert_eq!(
                text,
                format!(
                    "frame at stream offset {offset}: frame at byte 0: length 65535 is above \
                     the maximum of 100"
                )
            );
        }
        other => panic!("expected a framing error, got {other:?}"),
    }
    // Nothing after the bad header is trusted: the stream is over.
    assert!(frames.next().await.is_none());

    // A stream that ends inside a frame is an error, not a silent loss.
    let cut = b"\x00\x0A0800";
    let mut frames = FramedRead::new(&cut[..], FrameCodec::new(framer));
    assert!(matches!(
        frames.next().await,
        Some(Err(FramingError::Io(_)))
    ));
}

/// One segment of a hostile stream: a well-formed frame, a frame written without the fixed
/// header (too short for a TPDU reader), or raw bytes.
#[derive(Clone, Debug)]
enum Segment {
    Frame(Vec<u8>),
    Headerless(Vec<u8>),
    Raw(Vec<u8>),
}

fn any_kind() -> impl Strategy<Value = LengthHeader> {
    prop::sample::select(LengthHeader::ALL.to_vec())
}

fn any_header() -> impl Strategy<Value = FrameHeader> {
    prop::sample::select(vec![FrameHeader::None, FrameHeader::Tpdu])
}

fn segment() -> impl Strategy<Value = Segment> {
    prop_oneof![
        8 => prop::collection::vec(any::<u8>(), 0..60).prop_map(Segment::Frame),
        1 => prop::collection::vec(any::<u8>(), 0..8).prop_map(Segment::Headerless),
        1 => prop::collection::vec(any::<u8>(), 1..6).prop_map(Segment::Raw),
        // Bytes that are often length digits of some kind.
        1 => prop::collection::vec(
            prop::sample::select(b"000123456789AFaf\x00\x01".to_vec()),
            1..6
        )
        .prop_map(Segment::Raw),
    ]
}

/// Feeds `stream` to `codec` in chunks of the sizes in `chunks` (cycled), decoding after each
/// chunk. Returns the frames, the error if one came, and the bytes left unread.
fn feed(
    codec: &mut FrameCodec,
    stream: &[u8],
    chunks: &[usize],
) -> (Vec<Inbound>, Option<FramingError>, usize) {
    let mut frames = Vec::new();
    let mut buf = BytesMut::new();
    let mut pos = 0;
    let mut sizes = chunks.iter().copied().cycle();
    while pos < stream.len() {
        let n = sizes.next().unwrap_or(1).max(1).min(stream.len() - pos);
        buf.extend_from_slice(&stream[pos..pos + n]);
        pos += n;
        loop {
            match codec.decode(&mut buf) {
                Ok(Some(frame)) => frames.push(frame),
                Ok(None) => break,
                Err(e) => return (frames, Some(e), buf.len() + stream.len() - pos),
            }
        }
    }
    (frames, None, buf.len())
}

/// An inbound frame as (keep-alive, header, message), to compare with `split_all`.
fn parts(frame: &Inbound) -> (bool, Vec<u8>, Vec<u8>) {
    match frame {
        Inbound::KeepAlive => (true, Vec::new(), Vec::new()),
        Inbound::Message { header, message } => (false, header.to_vec(), message.to_vec()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn framed_payloads_come_out_whole_whatever_the_chunking(
        kind in any_kind(),
        inclusive in any::<bool>(),
        header in any_header(),
        payloads in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..300), 0..10),
        chunks in prop::collection::vec(1..64usize, 1..20),
    ) {
        let framer = Framer::new(kind).inclusive(inclusive).header(header);
        let fixed = header_for(&framer);
        let mut codec = FrameCodec::new(framer);
        let mut stream = BytesMut::new();
        let mut expected = Vec::new();
        for p in &payloads {
            // A zero-length payload is a keep-alive.
            let item = if p.is_empty() {
                expected.push(Inbound::KeepAlive);
                Outbound::KeepAlive
            } else {
                expected.push(message(&fixed, p));
                Outbound::Message { header: fixed.clone(), message: Bytes::from(p.clone()) }
            };
            codec.encode(item, &mut stream).unwrap();
        }
        let (got, error, left) = feed(&mut codec, &stream, &chunks);
        prop_assert!(error.is_none(), "{error:?}");
        prop_assert_eq!(left, 0);
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn arbitrary_bytes_give_the_frames_split_all_gives_until_the_first_error(
        kind in any_kind(),
        inclusive in any::<bool>(),
        header in any_header(),
        max_len in prop_oneof![1 => 0..10usize, 6 => 40..150usize],
        segments in prop::collection::vec(segment(), 0..12),
        chunks in prop::collection::vec(1..40usize, 1..20),
    ) {
        let framer = Framer::new(kind).inclusive(inclusive).header(header).max_len(max_len);
        // Well-formed frames are written by a framer without the small maximum, so that some
        // of them are too long for the reader.
        let writer = Framer::new(kind).inclusive(inclusive).header(header);
        let mut stream = Vec::new();
        for s in &segments {
            match s {
                Segment::Frame(body) => {
                    let mut body = body.clone();
                    if !body.is_empty() && body.len() < header.len() {
                        body.resize(header.len(), 0x60);
                    }
                    writer.encode(&body, &mut stream).unwrap();
                }
                Segment::Headerless(body) => Framer::new(kind)
                    .inclusive(inclusive)
                    .encode(body, &mut stream)
                    .unwrap(),
                Segment::Raw(raw) => stream.extend_from_slice(raw),
            }
        }
        let mut codec = FrameCodec::new(framer);
        let (got, error, left) = feed(&mut codec, &stream, &chunks);

        let mut oracle = Vec::new();
        let mut oracle_error = None;
        for frame in framer.split_all(&stream) {
            match frame {
                Ok(f) => oracle.push((f.is_keep_alive(), f.header().to_vec(), f.payload().to_vec())),
                Err(e) => {
                    oracle_error = Some(e);
                    break;
                }
            }
        }
        let got: Vec<_> = got.iter().map(parts).collect();
        prop_assert_eq!(&got, &oracle);
        match (error, oracle_error) {
            (None, None) => prop_assert_eq!(left, 0),
            // The capture ends inside a frame: the codec is still waiting for it.
            (None, Some(e)) => {
                // What the codec holds is the frame so far: its length header and what follows.
                let held = match e.kind() {
                    FrameErrorKind::Truncated { available, .. } => framer.length_header().width() + available,
                    FrameErrorKind::TruncatedLengthHeader { available, .. } => available,
                    _ => return Err(TestCaseError::fail(format!("codec waits where split_all says {e}"))),
                };
                prop_assert_eq!(left, held);
                prop_assert_eq!(e.offset() + held, stream.len());
            }
            (Some(FramingError::Frame { source, stream_offset }), Some(e)) => {
                prop_assert_eq!(source.kind(), e.kind());
                prop_assert_eq!(stream_offset, e.offset() as u64);
            }
            (Some(other), oracle) => {
                return Err(TestCaseError::fail(format!("codec failed with {other} where split_all gave {oracle:?}")));
            }
        }
    }
}
