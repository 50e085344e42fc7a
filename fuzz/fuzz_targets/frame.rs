//! Fuzz target `frame`: the network framer on arbitrary bytes. The first byte picks the length
//! header kind, inclusive or not, and a TPDU or none; the rest is a receive buffer. Decoding never
//! over-reads or panics, a complete frame re-encodes to one that decodes to the same parts, and
//! splitting the buffer as a capture walks forward to its end or to one error.
#![no_main]

use iso8583_wire::frame::{Frame, FrameHeader, Framer, LengthHeader};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, buf)) = data.split_first() else {
        return;
    };
    let kind = LengthHeader::ALL[usize::from(selector) % LengthHeader::ALL.len()];
    let header = if selector & 0x10 != 0 {
        FrameHeader::Tpdu
    } else {
        FrameHeader::None
    };
    let framer = Framer::new(kind)
        .inclusive(selector & 0x20 != 0)
        .header(header)
        .max_len(usize::from(selector >> 6) * 200 + 50);
    let width = kind.width();

    match framer.decode(buf) {
        Ok(Frame::Complete {
            header: h,
            payload,
            consumed,
        }) => {
            assert!(consumed <= buf.len());
            assert_eq!(width + h.len() + payload.len(), consumed);
            assert_eq!(h.len(), header.len());
            assert!(h.len() + payload.len() <= framer.max_frame_len());
            let mut wire = Vec::new();
            framer.encode_with_header(h, payload, &mut wire).unwrap();
            assert_eq!(wire.len(), consumed);
            match framer.decode(&wire) {
                Ok(Frame::Complete {
                    header: h2,
                    payload: p2,
                    consumed: c2,
                }) => assert_eq!((h2, p2, c2), (h, payload, consumed)),
                other => panic!("re-encoded frame decodes to {other:?}"),
            }
        }
        Ok(Frame::KeepAlive { consumed }) => assert_eq!(consumed, width),
        Ok(Frame::Partial { needed }) => assert!(needed > 0),
        Err(e) => assert_eq!(e.offset(), 0),
    }

    let mut end = 0;
    for frame in framer.split_all(buf) {
        match frame {
            Ok(f) => {
                assert_eq!(f.offset(), end);
                end = f.offset() + f.wire_len();
                assert!(end <= buf.len());
            }
            Err(e) => {
                assert_eq!(e.offset(), end);
                return;
            }
        }
    }
    assert_eq!(end, buf.len());
});
