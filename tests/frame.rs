//! Network framing: every length header kind byte for byte, inclusive lengths, partial input at
//! every split point, keep-alives, limits checked before the payload arrives, bad digits, TPDU
//! swap, and the China UnionPay POS frame from `tests/vectors/peers.json`.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use iso8583_wire::frame::{
    Frame, FrameError, FrameErrorKind, FrameHeader, Framer, LengthHeader, Tpdu,
};
use proptest::prelude::*;

const PEERS: &str = include_str!("vectors/peers.json");

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// The wire bytes of the UnionPay-style POS frame (2-byte binary length 0x00A8, TPDU
/// 6000080000, BCD 0200 message) of HosseinAssaran/ISO8583-Parser.
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
    assert_eq!(entry["fields"]["h"], "6000080000");
    unhex(entry["wire_hex"].as_str().unwrap())
}

fn err(kind: FrameErrorKind, offset: usize) -> FrameError {
    FrameError::new(kind, offset)
}

fn payload_of(n: usize) -> Vec<u8> {
    (0..n).map(|i| u8::try_from(i % 251).unwrap()).collect()
}

fn complete<'a>(framer: &Framer, wire: &'a [u8]) -> (&'a [u8], &'a [u8], usize) {
    match framer.decode(wire).unwrap() {
        Frame::Complete {
            header,
            payload,
            consumed,
        } => (header, payload, consumed),
        other => panic!("expected a complete frame, got {other:?}"),
    }
}

const KINDS_168: [(LengthHeader, &[u8]); 5] = [
    (LengthHeader::Binary2, &[0x00, 0xA8]),
    (LengthHeader::Binary4, &[0x00, 0x00, 0x00, 0xA8]),
    (LengthHeader::Bcd2, &[0x01, 0x68]),
    (LengthHeader::Ascii4, b"0168"),
    (LengthHeader::Hex4, b"00A8"),
];

#[test]
fn encodes_and_decodes_each_length_header_kind_for_168() {
    let payload = payload_of(168);
    for (kind, header) in KINDS_168 {
        let framer = Framer::new(kind);
        let mut wire = Vec::new();
        framer.encode(&payload, &mut wire).unwrap();
        assert_eq!(&wire[..kind.width()], header, "{kind}");
        assert_eq!(&wire[kind.width()..], &payload[..], "{kind}");
        assert_eq!(wire.len(), framer.encoded_len(168));
        let (h, p, consumed) = complete(&framer, &wire);
        assert_eq!(
            (h, p, consumed),
            (&[][..], &payload[..], kind.width() + 168)
        );
    }
}

#[test]
fn encodes_largest_value_of_each_kind() {
    let cases: [(LengthHeader, usize, &[u8]); 4] = [
        (LengthHeader::Binary2, 65535, &[0xFF, 0xFF]),
        (LengthHeader::Bcd2, 9999, &[0x99, 0x99]),
        (LengthHeader::Ascii4, 9999, b"9999"),
        (LengthHeader::Hex4, 65535, b"FFFF"),
    ];
    for (kind, n, header) in cases {
        let framer = Framer::new(kind).max_len(100_000);
        assert_eq!(framer.max_frame_len(), n);
        let mut wire = Vec::new();
        framer.encode(&payload_of(n), &mut wire).unwrap();
        assert_eq!(&wire[..kind.width()], header, "{kind}");
        assert_eq!(
            framer.encode(&payload_of(n + 1), &mut Vec::new()),
            Err(err(FrameErrorKind::TooLong { len: n + 1, max: n }, 0)),
            "{kind}"
        );
    }
}

#[test]
fn decodes_lower_case_hex4() {
    let framer = Framer::new(LengthHeader::Hex4);
    let wire = b"000aABCDEFGHIJ";
    assert_eq!(complete(&framer, wire), (&[][..], &b"ABCDEFGHIJ"[..], 14));
}

#[test]
fn length_header_names_round_trip() {
    for (kind, name) in LengthHeader::ALL.into_iter().zip(LengthHeader::NAMES) {
        assert_eq!(kind.name(), name);
        assert_eq!(kind.to_string(), name);
        assert_eq!(name.parse::<LengthHeader>(), Ok(kind));
    }
    assert_eq!("BCD2".parse::<LengthHeader>(), Ok(LengthHeader::Bcd2));
    assert!("ascii2".parse::<LengthHeader>().is_err());
    assert!("".parse::<LengthHeader>().is_err());
}

#[test]
fn encodes_and_decodes_inclusive_lengths() {
    let payload = payload_of(168);
    let cases: [(LengthHeader, &[u8]); 5] = [
        (LengthHeader::Binary2, &[0x00, 0xAA]),
        (LengthHeader::Binary4, &[0x00, 0x00, 0x00, 0xAC]),
        (LengthHeader::Bcd2, &[0x01, 0x70]),
        (LengthHeader::Ascii4, b"0172"),
        (LengthHeader::Hex4, b"00AC"),
    ];
    for (kind, header) in cases {
        let framer = Framer::new(kind).inclusive(true);
        let mut wire = Vec::new();
        framer.encode(&payload, &mut wire).unwrap();
        assert_eq!(&wire[..kind.width()], header, "{kind}");
        let (_, p, consumed) = complete(&framer, &wire);
        assert_eq!((p, consumed), (&payload[..], kind.width() + 168), "{kind}");
    }
    // The header's own width counts against what it can say.
    let framer = Framer::new(LengthHeader::Bcd2).inclusive(true);
    assert_eq!(framer.max_frame_len(), 9997);
}

#[test]
fn inclusive_keep_alive_is_the_header_width_and_zero_is_accepted() {
    let framer = Framer::new(LengthHeader::Binary2).inclusive(true);
    let mut wire = Vec::new();
    framer.encode_keep_alive(&mut wire).unwrap();
    assert_eq!(wire, [0x00, 0x02]);
    assert_eq!(framer.decode(&wire), Ok(Frame::KeepAlive { consumed: 2 }));
    assert_eq!(
        framer.decode(&[0x00, 0x00]),
        Ok(Frame::KeepAlive { consumed: 2 })
    );
    let ascii = Framer::new(LengthHeader::Ascii4).inclusive(true);
    assert_eq!(ascii.decode(b"0004"), Ok(Frame::KeepAlive { consumed: 4 }));
}

#[test]
fn rejects_inclusive_length_below_its_own_header() {
    let framer = Framer::new(LengthHeader::Binary2).inclusive(true);
    assert_eq!(
        framer.decode(&[0x00, 0x01, 0xAB]),
        Err(err(FrameErrorKind::LengthBelowHeader { len: 1, min: 2 }, 0))
    );
    let ascii = Framer::new(LengthHeader::Ascii4).inclusive(true);
    assert_eq!(
        ascii.decode(b"0003"),
        Err(err(FrameErrorKind::LengthBelowHeader { len: 3, min: 4 }, 0))
    );
}

#[test]
fn asks_for_more_at_every_split_point() {
    let payload = payload_of(37);
    for kind in LengthHeader::ALL {
        for inclusive in [false, true] {
            for header in [FrameHeader::None, FrameHeader::Tpdu] {
                let framer = Framer::new(kind).inclusive(inclusive).header(header);
                let mut wire = Vec::new();
                framer.encode(&payload, &mut wire).unwrap();
                let width = kind.width();
                let total = width + 37;
                assert_eq!(wire.len(), total);
                for k in 0..total {
                    let needed = if k < width { width - k } else { total - k };
                    assert_eq!(
                        framer.decode(&wire[..k]),
                        Ok(Frame::Partial { needed }),
                        "{kind} inclusive={inclusive} split at {k}"
                    );
                }
                let (h, p, consumed) = complete(&framer, &wire);
                assert_eq!(consumed, total);
                assert_eq!(h.len(), header.len());
                assert_eq!([h, p].concat(), payload);
            }
        }
    }
}

#[test]
fn decodes_keep_alives_and_leaves_following_bytes() {
    let framer = Framer::new(LengthHeader::Ascii4);
    let wire = b"00000003abc0000";
    assert_eq!(framer.decode(wire), Ok(Frame::KeepAlive { consumed: 4 }));
    assert_eq!(complete(&framer, &wire[4..]), (&[][..], &b"abc"[..], 7));
    assert_eq!(
        framer.decode(&wire[11..]),
        Ok(Frame::KeepAlive { consumed: 4 })
    );
    for kind in LengthHeader::ALL {
        let framer = Framer::new(kind);
        let mut wire = Vec::new();
        framer.encode_keep_alive(&mut wire).unwrap();
        let zero: &[u8] = match kind {
            LengthHeader::Ascii4 | LengthHeader::Hex4 => b"0000",
            LengthHeader::Binary4 => &[0; 4],
            LengthHeader::Binary2 | LengthHeader::Bcd2 => &[0; 2],
        };
        assert_eq!(wire, zero, "{kind}");
        assert_eq!(
            framer.decode(&wire),
            Ok(Frame::KeepAlive {
                consumed: kind.width()
            })
        );
        // Encoding an empty body is the same keep-alive.
        let mut again = Vec::new();
        framer.encode(&[], &mut again).unwrap();
        assert_eq!(again, zero);
    }
}

#[test]
fn rejects_too_long_with_only_the_length_header_present() {
    let framer = Framer::new(LengthHeader::Binary2).max_len(100);
    assert_eq!(
        framer.decode(&[0x00, 0x65]),
        Err(err(FrameErrorKind::TooLong { len: 101, max: 100 }, 0))
    );
    assert_eq!(
        framer.decode(&[0x00, 0x64]),
        Ok(Frame::Partial { needed: 100 })
    );
    // A 4-byte binary length of 4 GiB is refused by the default maximum, nothing is sized.
    let framer = Framer::new(LengthHeader::Binary4);
    assert_eq!(
        framer.decode(&[0xFF, 0xFF, 0xFF, 0xFF]),
        Err(err(
            FrameErrorKind::TooLong {
                len: 0xFFFF_FFFF,
                max: Framer::DEFAULT_MAX_LEN
            },
            0
        ))
    );
    let framer = Framer::new(LengthHeader::Ascii4).max_len(999);
    assert_eq!(
        framer.decode(b"1000"),
        Err(err(
            FrameErrorKind::TooLong {
                len: 1000,
                max: 999
            },
            0
        ))
    );
    // An encoder refuses the same.
    assert_eq!(
        framer.encode(&payload_of(1000), &mut Vec::new()),
        Err(err(
            FrameErrorKind::TooLong {
                len: 1000,
                max: 999
            },
            0
        ))
    );
}

#[test]
fn rejects_bad_digits() {
    let cases: [(LengthHeader, &[u8]); 7] = [
        (LengthHeader::Ascii4, b"01A8"),
        (LengthHeader::Ascii4, b" 168"),
        (LengthHeader::Ascii4, b"-168"),
        (LengthHeader::Bcd2, &[0x01, 0x6A]),
        (LengthHeader::Bcd2, &[0xF1, 0x68]),
        (LengthHeader::Hex4, b"00G8"),
        (LengthHeader::Hex4, b"0x A"),
    ];
    for (kind, header) in cases {
        let mut wire = header.to_vec();
        wire.extend_from_slice(&payload_of(300));
        assert_eq!(
            Framer::new(kind).decode(&wire),
            Err(err(FrameErrorKind::InvalidLength, 0)),
            "{kind} {header:?}"
        );
    }
}

#[test]
fn rejects_frame_shorter_than_its_tpdu() {
    let framer = Framer::new(LengthHeader::Binary2).header(FrameHeader::Tpdu);
    assert_eq!(
        framer.decode(&[0x00, 0x03, 0x60, 0x00, 0x01]),
        Err(err(
            FrameErrorKind::ShorterThanHeader { len: 3, header: 5 },
            0
        ))
    );
    assert_eq!(
        framer.encode(&[0x60, 0x00, 0x01], &mut Vec::new()),
        Err(err(
            FrameErrorKind::ShorterThanHeader { len: 3, header: 5 },
            0
        ))
    );
    assert_eq!(
        framer.encode_with_header(&[0x60, 0x00], b"0800", &mut Vec::new()),
        Err(err(
            FrameErrorKind::HeaderLength {
                expected: 5,
                actual: 2
            },
            0
        ))
    );
    // A frame of exactly the TPDU has an empty message.
    assert_eq!(
        complete(&framer, &[0x00, 0x05, 0x60, 0x00, 0x01, 0x00, 0x02]),
        (&[0x60, 0x00, 0x01, 0x00, 0x02][..], &[][..], 7)
    );
}

#[test]
fn rejects_output_without_room_and_writes_nothing() {
    let framer = Framer::new(LengthHeader::Ascii4);
    let mut buf = [0xEEu8; 6];
    let mut out = &mut buf[..];
    assert_eq!(
        framer.encode(b"abc", &mut out),
        Err(err(
            FrameErrorKind::OutputFull {
                needed: 7,
                available: 6
            },
            0
        ))
    );
    assert_eq!(buf, [0xEE; 6]);
    let mut buf = [0u8; 7];
    let mut out = &mut buf[..];
    framer.encode(b"abc", &mut out).unwrap();
    assert_eq!(&buf, b"0003abc");
}

#[test]
fn swaps_tpdu_source_and_destination() {
    let tpdu = Tpdu::from_bytes(&[0x60, 0x00, 0x03, 0x01, 0x02]).unwrap();
    assert_eq!(tpdu.id, 0x60);
    assert_eq!(tpdu.destination, [0x00, 0x03]);
    assert_eq!(tpdu.source, [0x01, 0x02]);
    assert_eq!(tpdu.to_string(), "6000030102");
    let reply = tpdu.reply();
    assert_eq!(reply.to_bytes(), [0x60, 0x01, 0x02, 0x00, 0x03]);
    assert_eq!(reply.to_string(), "6001020003");
    assert_eq!(reply.reply(), tpdu);
    // A message header that starts with a TPDU (UnionPay: TPDU + 6-byte header).
    let mut header = [
        0x60, 0x00, 0x03, 0x01, 0x02, 0x60, 0x31, 0x00, 0x00, 0x00, 0x00,
    ];
    assert_eq!(Tpdu::from_bytes(&header), Some(tpdu));
    assert!(Tpdu::swap_in_place(&mut header));
    assert_eq!(
        header,
        [0x60, 0x01, 0x02, 0x00, 0x03, 0x60, 0x31, 0x00, 0x00, 0x00, 0x00]
    );
    let mut short = [0x60, 0x00, 0x03, 0x01];
    assert_eq!(Tpdu::from_bytes(&short), None);
    assert!(!Tpdu::swap_in_place(&mut short));
    assert_eq!(short, [0x60, 0x00, 0x03, 0x01]);
}

#[test]
fn frames_and_unframes_the_unionpay_vector_exactly() {
    let wire = unionpay_wire();
    assert_eq!(wire.len(), 2 + 168);
    assert_eq!(&wire[..2], [0x00, 0xA8]);

    // The length only: the TPDU stays in the payload for a spec that declares it.
    let plain = Framer::new(LengthHeader::Binary2);
    let (header, body, consumed) = complete(&plain, &wire);
    assert_eq!((header, consumed), (&[][..], 170));
    assert_eq!(body, &wire[2..]);
    let mut again = Vec::new();
    plain.encode(body, &mut again).unwrap();
    assert_eq!(again, wire);

    // The framer splits off the TPDU.
    let framer = Framer::new(LengthHeader::Binary2).header(FrameHeader::Tpdu);
    let (header, payload, consumed) = complete(&framer, &wire);
    assert_eq!(consumed, 170);
    assert_eq!(header, [0x60, 0x00, 0x08, 0x00, 0x00]);
    assert_eq!(payload.len(), 163);
    assert_eq!(&payload[..2], [0x02, 0x00], "BCD MTI 0200");
    assert_eq!(payload, &wire[7..]);
    let tpdu = Tpdu::from_bytes(header).unwrap();
    assert_eq!(tpdu.to_string(), "6000080000");
    assert_eq!(tpdu.reply().to_string(), "6000000008");

    let mut again = Vec::new();
    framer
        .encode_with_header(&tpdu.to_bytes(), payload, &mut again)
        .unwrap();
    assert_eq!(again, wire);

    // The reply frame: same length, TPDU swapped.
    let mut reply = Vec::new();
    framer
        .encode_with_header(&tpdu.reply().to_bytes(), payload, &mut reply)
        .unwrap();
    assert_eq!(&reply[..7], [0x00, 0xA8, 0x60, 0x00, 0x00, 0x00, 0x08]);
    assert_eq!(&reply[7..], &wire[7..]);

    // Every strict prefix is partial.
    for k in 0..wire.len() {
        assert!(matches!(
            framer.decode(&wire[..k]),
            Ok(Frame::Partial { .. })
        ));
    }
}

#[test]
fn splits_a_capture_of_several_frames_with_offsets() {
    let framer = Framer::new(LengthHeader::Binary2).header(FrameHeader::Tpdu);
    let up = unionpay_wire();
    let mut capture = up.clone();
    capture.extend_from_slice(&[0x00, 0x00]); // keep-alive at 170
    capture.extend_from_slice(&up); // at 172
    let frames: Vec<_> = framer
        .split_all(&capture)
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(frames.len(), 3);
    assert_eq!(
        frames
            .iter()
            .map(|f| (f.offset(), f.wire_len(), f.is_keep_alive()))
            .collect::<Vec<_>>(),
        [(0, 170, false), (170, 2, true), (172, 170, false)]
    );
    assert_eq!(frames[2].header(), [0x60, 0x00, 0x08, 0x00, 0x00]);
    assert_eq!(frames[2].payload(), &up[7..]);
    assert_eq!(frames[2].payload_offset(), 179);
    assert_eq!(frames[1].payload(), b"");

    // A capture ending inside a frame: the whole frames, then Truncated at its offset.
    let cut = &capture[..capture.len() - 10];
    let mut it = framer.split_all(cut);
    assert!(it.next().unwrap().is_ok());
    assert!(it.next().unwrap().unwrap().is_keep_alive());
    assert_eq!(
        it.next(),
        Some(Err(err(
            FrameErrorKind::Truncated {
                needed: 10,
                available: 158
            },
            172
        )))
    );
    assert_eq!(it.next(), None);

    // A bad length header in the middle reports its absolute offset and stops.
    let ascii = Framer::new(LengthHeader::Ascii4);
    let results: Vec<_> = ascii.split_all(b"0002ab00x1cd0002ef").collect();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].unwrap().payload(), b"ab");
    assert_eq!(results[1], Err(err(FrameErrorKind::InvalidLength, 6)));

    assert_eq!(ascii.split_all(b"").count(), 0);
}

#[test]
fn error_messages_hold_no_payload() {
    let e = err(FrameErrorKind::TooLong { len: 101, max: 100 }, 7);
    assert_eq!(
        e.to_string(),
        "frame at byte 7: length 101 is above the maximum of 100"
    );
    assert_eq!(e.kind().name(), "too_long");
    assert_eq!(e.offset(), 7);
}

#[test]
fn counts_bytes_left_after_the_length_header() {
    let framer = Framer::new(LengthHeader::Binary2);
    // A frame announcing 5 bytes, of which 3 follow its 2-byte length header.
    let cut = framer.split_all(&[0x00, 0x05, b'a', b'b', b'c']).next();
    let e = err(
        FrameErrorKind::Truncated {
            needed: 2,
            available: 3,
        },
        0,
    );
    assert_eq!(cut, Some(Err(e)));
    assert_eq!(
        e.to_string(),
        "frame at byte 0: the length header announces 5 bytes, but only 3 follow"
    );
    // One byte after the header: the singular.
    let one = framer.split_all(&[0x00, 0x02, b'a']).next();
    let e = err(
        FrameErrorKind::Truncated {
            needed: 1,
            available: 1,
        },
        0,
    );
    assert_eq!(one, Some(Err(e)));
    assert!(e
        .to_string()
        .ends_with("announces 2 bytes, but only 1 follows"));
    // A capture cut inside the length header of its second frame.
    let header = Framer::new(LengthHeader::Ascii4)
        .split_all(b"0001a00")
        .nth(1);
    let e = err(
        FrameErrorKind::TruncatedLengthHeader {
            needed: 2,
            available: 2,
        },
        5,
    );
    assert_eq!(header, Some(Err(e)));
    assert_eq!(
        e.to_string(),
        "frame at byte 5: the capture ends inside a length header: 2 bytes of 4 present"
    );
    assert_eq!(e.kind().name(), "truncated_length_header");
}

/// Feeds `stream` to a framer through a growing buffer in chunks cut at `cuts`, and returns
/// every payload (an empty one for a keep-alive).
fn feed(framer: &Framer, stream: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf: Vec<u8> = Vec::new();
    let mut from = 0;
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (stream.len() + 1)).collect();
    cuts.push(stream.len());
    cuts.sort_unstable();
    for to in cuts {
        buf.extend_from_slice(&stream[from..to]);
        from = to;
        loop {
            match framer.decode(&buf).unwrap() {
                Frame::Complete {
                    header,
                    payload,
                    consumed,
                } => {
                    out.push([header, payload].concat());
                    buf.drain(..consumed);
                }
                Frame::KeepAlive { consumed } => {
                    out.push(Vec::new());
                    buf.drain(..consumed);
                }
                Frame::Partial { needed } => {
                    assert!(needed > 0);
                    break;
                }
            }
        }
    }
    assert!(buf.is_empty());
    out
}

fn any_kind() -> impl Strategy<Value = LengthHeader> {
    prop::sample::select(LengthHeader::ALL.to_vec())
}

proptest! {
    #[test]
    fn splitting_a_stream_anywhere_yields_the_same_payloads(
        kind in any_kind(),
        inclusive in any::<bool>(),
        payloads in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..300), 1..8),
        cuts in prop::collection::vec(any::<usize>(), 0..20),
    ) {
        let framer = Framer::new(kind).inclusive(inclusive);
        let mut stream = Vec::new();
        for p in &payloads {
            framer.encode(p, &mut stream).unwrap();
        }
        prop_assert_eq!(&feed(&framer, &stream, &cuts), &payloads);
        // The same stream as one capture.
        let split: Vec<Vec<u8>> = framer
            .split_all(&stream)
            .map(|f| f.map(|f| f.payload().to_vec()))
            .collect::<Result<_, _>>()
            .unwrap();
        prop_assert_eq!(&split, &payloads);
    }

    #[test]
    fn decoding_arbitrary_bytes_never_over_reads(
        kind in any_kind(),
        inclusive in any::<bool>(),
        bytes in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let framer = Framer::new(kind).inclusive(inclusive).max_len(40);
        match framer.decode(&bytes) {
            Ok(Frame::Complete { header, payload, consumed }) => {
                prop_assert!(consumed <= bytes.len());
                prop_assert_eq!(header.len() + payload.len() + kind.width(), consumed);
                prop_assert!(payload.len() <= 40);
            }
            Ok(Frame::KeepAlive { consumed }) => prop_assert_eq!(consumed, kind.width()),
            Ok(Frame::Partial { needed }) => prop_assert!(needed > 0),
            Err(e) => prop_assert_eq!(e.offset(), 0),
        }
    }
}

#[test]
fn unframed_unionpay_payload_decodes_with_the_tpdu_as_message_header() {
    // What `iso8583 decode --frame binary2 --spec cup-pos-tpdu` does: the framer strips the
    // length only, the spec declares the TPDU as the message header.
    let wire = unionpay_wire();
    let spec = iso8583_wire::Spec::builtin("cup-pos-tpdu").unwrap();
    let frames: Vec<_> = Framer::new(LengthHeader::Binary2)
        .split_all(&wire)
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0].payload_offset(), 2);
    let view = iso8583_wire::MessageView::decode(spec, frames[0].payload()).unwrap();
    assert_eq!(view.header(), [0x60, 0x00, 0x08, 0x00, 0x00]);
    assert_eq!(view.mti().as_str(), "0200");
    assert_eq!(view.field(11).unwrap().to_text(), "002755");
    assert_eq!(view.field(41).unwrap().as_str().unwrap(), "01144021");
}
