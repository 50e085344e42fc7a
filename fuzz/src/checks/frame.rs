//! The check of target `frame`.

use iso8583_wire::frame::{Frame, FrameErrorKind, FrameHeader, Framer, LengthHeader};

/// Target `frame`: the network framer on arbitrary bytes. The first byte picks the length
/// header kind (the byte modulo 5), a TPDU or none (0x10), inclusive lengths or not (0x20) and
/// the maximum (the top two bits: 50, 250, 450 or 650 bytes); the rest is a receive buffer.
/// Decoding never over-reads or panics, a complete frame re-encodes to one that decodes to the
/// same parts, and splitting the buffer as a capture walks forward to its end or to one error,
/// whose bytes left, counted after the length header, reach the end of the buffer.
pub fn frame(data: &[u8]) {
    let Some((&selector, buf)) = data.split_first() else {
        return;
    };
    let Some(&kind) = LengthHeader::ALL.get(usize::from(selector) % LengthHeader::ALL.len()) else {
        return;
    };
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
            assert!(framer.encode_with_header(h, payload, &mut wire).is_ok());
            assert_eq!(wire.len(), consumed);
            let again = framer.decode(&wire);
            assert_eq!(
                again,
                Ok(Frame::Complete {
                    header: h,
                    payload,
                    consumed
                })
            );
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
                let _ = e.to_string();
                match e.kind() {
                    FrameErrorKind::Truncated { needed, available } => {
                        assert!(needed > 0);
                        assert_eq!(end + width + available, buf.len());
                    }
                    FrameErrorKind::TruncatedLengthHeader { needed, available } => {
                        assert_eq!(needed + available, width);
                        assert_eq!(end + available, buf.len());
                    }
                    _ => {}
                }
                return;
            }
        }
    }
    assert_eq!(end, buf.len());
}
