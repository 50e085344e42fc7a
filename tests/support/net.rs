//! Helpers the loopback tests of `net` share: the spec and framer they talk in, and the host's
//! side of an exchange.
// Each test file uses the part it needs.
#![allow(dead_code, clippy::expect_used)]

use bytes::{Bytes, BytesMut};
use iso8583_wire::frame::{Framer, LengthHeader};
use iso8583_wire::net::framing::FrameCodec;
use iso8583_wire::{Message, Spec};

/// The spec of every message of these tests.
pub fn spec() -> &'static Spec {
    Spec::builtin("iso8583-1987-ascii").expect("builtin spec")
}

/// Two-byte binary length headers.
pub fn framer() -> Framer {
    Framer::new(LengthHeader::Binary2)
}

/// The host's answer to `request`: its identifying fields echoed and DE39 `code`.
pub fn answer(request: &Message, code: &str) -> Message {
    let mut a = request
        .response(&[2, 3, 4, 7, 11, 41, 49, 90])
        .expect("a request");
    a.set(spec(), 39, code).expect("DE39");
    a
}

/// `m` encoded in a frame, as it goes on the wire.
pub fn frame(m: &Message) -> Bytes {
    let mut buf = BytesMut::new();
    FrameCodec::new(framer())
        .encode_message(&[], m, spec(), &mut buf)
        .expect("frames");
    buf.freeze()
}

/// The text of field `n` of `m`, empty when absent.
pub fn de(m: &Message, n: u16) -> String {
    m.field(spec(), n).map(|f| f.to_text()).unwrap_or_default()
}
