//! A frame the server read, decoded or with the reason it did not decode, and the answer to
//! one that did not.

use bytes::Bytes;

use crate::net::framing::reply_header;
use crate::spec::MtiEncoding;
use crate::{DecodeError, Message, Mti, Spec};

/// A frame the server read: its fixed header, its message bytes, and the message decoded or
/// the reason it did not decode.
pub struct Request {
    frame_header: Bytes,
    bytes: Bytes,
    pub(super) decoded: Result<Message, DecodeError>,
}

impl core::fmt::Debug for Request {
    /// Lengths, and the MTI and field numbers only: the message may hold card data.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Request")
            .field("frame_header_len", &self.frame_header.len())
            .field("len", &self.bytes.len())
            .field("decoded", &self.decoded)
            .finish()
    }
}

impl Request {
    /// Decodes `bytes` under `spec`; `frame_header` is the frame's fixed header (empty when
    /// the framer has none). What the server does for each frame; public so that a handler can
    /// be tested without a connection.
    #[must_use]
    pub fn new(frame_header: Bytes, bytes: Bytes, spec: &Spec) -> Self {
        let decoded = Message::decode(spec, bytes.clone());
        Self {
            frame_header,
            bytes,
            decoded,
        }
    }

    /// The decoded message, or why the bytes did not decode.
    ///
    /// # Errors
    /// The [`DecodeError`] of [`Message::decode`] when the frame's message does not decode.
    pub fn message(&self) -> Result<&Message, DecodeError> {
        self.decoded.as_ref().map_err(|e| *e)
    }

    /// The decoded message, or why the bytes did not decode.
    ///
    /// # Errors
    /// As [`Request::message`].
    pub fn into_message(self) -> Result<Message, DecodeError> {
        self.decoded
    }

    /// The frame's fixed header (e.g. a TPDU); empty when the framer has none.
    #[must_use]
    pub fn frame_header(&self) -> &[u8] {
        &self.frame_header
    }

    /// The message bytes as received. They may hold card data: never log them.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The MTI: the decoded message's, or, when the message did not decode, the one at its
    /// place in the bytes under `spec`'s layout if it is readable.
    #[must_use]
    pub fn mti(&self, spec: &Spec) -> Option<Mti> {
        match &self.decoded {
            Ok(m) => Some(m.mti()),
            Err(_) => peek_mti(spec, &self.bytes),
        }
    }

    /// The answer to a request that did not decode: the response MTI of the MTI read from the
    /// bytes, the message header (TPDU swapped, see [`response_to`]) and DE39 from
    /// [`DecodeError::response_code`] (`30`, format error).
    ///
    /// `None` when the message decoded, its MTI cannot be read or is not a request's, or `spec`
    /// has no DE39 that takes the code.
    ///
    /// [`response_to`]: super::response_to
    #[must_use]
    pub fn format_error_response(&self, spec: &Spec) -> Option<Message> {
        let error = self.decoded.as_ref().err()?;
        let mti = peek_mti(spec, &self.bytes)?.response()?;
        let mut answer = Message::new(mti);
        let header_len = spec.layout().header_length;
        if header_len > 0 {
            answer.set_header(reply_header(self.bytes.get(..header_len)?));
        }
        answer.set(spec, 39, error.response_code()).ok()?;
        Some(answer)
    }
}

/// Reads the MTI of a message that may not decode, from its place in `bytes`.
fn peek_mti(spec: &Spec, bytes: &[u8]) -> Option<Mti> {
    let layout = spec.layout();
    let start = layout.header_length;
    let end = start.checked_add(layout.mti_encoding.wire_len())?;
    let digits = match (layout.mti_encoding, bytes.get(start..end)?) {
        (MtiEncoding::Ascii, &[a, b, c, d]) => [a, b, c, d],
        // EBCDIC digits are 0xF0-0xF9; anything else maps outside the ASCII digits.
        (MtiEncoding::Ebcdic, &[a, b, c, d]) => {
            [a, b, c, d].map(|x| x.wrapping_sub(0xF0).wrapping_add(b'0'))
        }
        (MtiEncoding::Bcd, &[x, y]) => {
            [x >> 4, x & 0xF, y >> 4, y & 0xF].map(|d| if d <= 9 { b'0' + d } else { b'X' })
        }
        _ => return None,
    };
    Mti::new(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str) -> &'static Spec {
        match Spec::builtin(name) {
            Some(s) => s,
            None => unreachable!("built-in spec {name}"),
        }
    }

    #[test]
    fn peeks_the_mti_of_messages_that_do_not_decode() {
        let ascii = spec("iso8583-1987-ascii");
        assert_eq!(
            peek_mti(ascii, b"0200zz").map(|m| m.to_string()).as_deref(),
            Some("0200")
        );
        assert_eq!(peek_mti(ascii, b"02x0"), None);
        assert_eq!(peek_mti(ascii, b"020"), None);
        let cup = spec("cup-pos-tpdu");
        let bytes = [0x60, 0, 8, 0, 0, 0x02, 0x00, 0xFF];
        assert_eq!(
            peek_mti(cup, &bytes).map(|m| m.to_string()).as_deref(),
            Some("0200")
        );
        assert_eq!(peek_mti(cup, &[0x60, 0, 8, 0, 0, 0x0F, 0x00]), None);
    }

    #[test]
    fn format_error_response_keeps_the_header_and_swaps_the_tpdu() {
        let cup = spec("cup-pos-tpdu");
        let bytes = Bytes::from_static(&[0x60, 0x00, 0x08, 0x00, 0x01, 0x02, 0x00, 0xFF]);
        let request = Request::new(Bytes::new(), bytes, cup);
        assert!(request.message().is_err());
        let answer = request.format_error_response(cup);
        assert_eq!(
            answer.as_ref().map(|m| m.mti().to_string()).as_deref(),
            Some("0210")
        );
        assert_eq!(
            answer.as_ref().map(Message::header),
            Some(&[0x60, 0x00, 0x01, 0x00, 0x08][..])
        );
        assert_eq!(
            answer
                .as_ref()
                .and_then(|m| m.field(cup, 39))
                .map(|f| f.to_text())
                .as_deref(),
            Some("30")
        );
    }

    #[test]
    fn format_error_response_needs_a_request_mti() {
        let ascii = spec("iso8583-1987-ascii");
        let response = Request::new(Bytes::new(), Bytes::from_static(b"0210zz"), ascii);
        assert!(response.format_error_response(ascii).is_none());
        let garbage = Request::new(Bytes::new(), Bytes::from_static(b"\xFF\xFF\xFF\xFF"), ascii);
        assert!(garbage.format_error_response(ascii).is_none());
    }
}
