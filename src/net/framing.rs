//! Framing on tokio: a [`tokio_util::codec`] decoder and encoder over [`Framer`].
//!
//! [`FrameCodec`] splits a TCP byte stream into [`Inbound`] frames, several per read when they
//! come back to back, and writes messages with their length header. A frame whose length is
//! above the framer's maximum is refused as soon as its length header is in, before any of it
//! is buffered, and the stream ends with that error: after a bad length header the position of
//! the next frame is unknown, so the connection cannot be trusted and must be closed.
//!
//! ```
//! use bytes::BytesMut;
//! use iso8583_wire::frame::{Framer, LengthHeader};
//! use iso8583_wire::net::framing::{FrameCodec, Inbound};
//! use tokio_util::codec::Decoder;
//!
//! let mut codec = FrameCodec::new(Framer::new(LengthHeader::Binary2));
//! // Two frames and the start of a third in one read.
//! let mut buf = BytesMut::from(&b"\x00\x040800\x00\x00\x00\x04081"[..]);
//! assert!(matches!(codec.decode(&mut buf)?, Some(Inbound::Message { ref message, .. }) if &message[..] == b"0800"));
//! assert!(matches!(codec.decode(&mut buf)?, Some(Inbound::KeepAlive)));
//! assert!(codec.decode(&mut buf)?.is_none()); // the rest has not arrived
//! # Ok::<(), iso8583_wire::net::framing::FramingError>(())
//! ```

use bytes::{Bytes, BytesMut};
use tokio_util::codec::{Decoder, Encoder};

use crate::frame::{Frame, FrameError, Framer, Tpdu};
use crate::{EncodeError, Message, Spec};

/// One frame read from the stream.
#[derive(Clone, PartialEq, Eq)]
pub enum Inbound {
    /// A zero-length frame: the peer keeps the connection open.
    KeepAlive,
    /// A frame holding a message.
    Message {
        /// The framer's fixed header (e.g. a TPDU); empty when it has none.
        header: Bytes,
        /// The message bytes, shared with the read buffer (no copy).
        message: Bytes,
    },
}

impl core::fmt::Debug for Inbound {
    /// Shows lengths only: the message may hold card data.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::KeepAlive => fmt_frame(f, None),
            Self::Message { header, message } => fmt_frame(f, Some((header, message))),
        }
    }
}

/// The `Debug` form of a frame of either direction: its lengths, never its bytes.
fn fmt_frame(
    f: &mut core::fmt::Formatter<'_>,
    parts: Option<(&Bytes, &Bytes)>,
) -> core::fmt::Result {
    match parts {
        None => f.write_str("KeepAlive"),
        Some((header, message)) => f
            .debug_struct("Message")
            .field("header_len", &header.len())
            .field("message_len", &message.len())
            .finish(),
    }
}

/// One frame to write.
#[derive(Clone, PartialEq, Eq)]
pub enum Outbound {
    /// A zero-length frame.
    KeepAlive,
    /// A message already encoded, with the framer's fixed header (empty when it has none).
    Message {
        /// The fixed header, exactly as long as the framer's.
        header: Bytes,
        /// The encoded message.
        message: Bytes,
    },
}

impl core::fmt::Debug for Outbound {
    /// Shows lengths only: the message may hold card data.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::KeepAlive => fmt_frame(f, None),
            Self::Message { header, message } => fmt_frame(f, Some((header, message))),
        }
    }
}

/// Framing failed, or the stream did.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FramingError {
    /// A length header that cannot be trusted (not a number, above the maximum, …); the
    /// connection must be closed.
    #[error("frame at stream offset {stream_offset}: {source}")]
    Frame {
        /// What was wrong with the frame.
        source: FrameError,
        /// Bytes of the stream before the failing frame's length header.
        stream_offset: u64,
    },
    /// The message to write could not be encoded.
    #[error("encoding the message: {0}")]
    Encode(#[from] EncodeError),
    /// Reading or writing the socket failed.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
}

/// A [`Decoder`] and [`Encoder`] of frames; see the [module docs](self).
#[derive(Clone, Copy, Debug)]
pub struct FrameCodec {
    framer: Framer,
    /// Bytes of the stream consumed so far, to place errors.
    consumed: u64,
}

impl FrameCodec {
    /// A codec over `framer` (its length header, maximum length and fixed header).
    #[must_use]
    pub const fn new(framer: Framer) -> Self {
        Self {
            framer,
            consumed: 0,
        }
    }

    /// The framer.
    #[must_use]
    pub const fn framer(&self) -> &Framer {
        &self.framer
    }

    /// Encodes `message` under `spec` straight into `dst` after its length header and the fixed
    /// `header`, with no intermediate buffer: the message's exact length is known up front.
    ///
    /// # Errors
    /// [`FramingError::Encode`] when the message does not fit the spec, [`FramingError::Frame`]
    /// when the frame is too long or `header` is not as long as the framer's fixed header.
    /// Nothing is left in `dst` on error.
    pub fn encode_message(
        &self,
        header: &[u8],
        message: &Message,
        spec: &Spec,
        dst: &mut BytesMut,
    ) -> Result<(), FramingError> {
        let frame_error = |source| FramingError::Frame {
            source,
            stream_offset: 0,
        };
        let expected = self.framer.frame_header().len();
        if header.len() != expected {
            return Err(frame_error(FrameError::new(
                crate::frame::FrameErrorKind::HeaderLength {
                    expected,
                    actual: header.len(),
                },
                0,
            )));
        }
        let len = message.encoded_len(spec)?;
        let start = dst.len();
        dst.reserve(self.framer.encoded_len(header.len().saturating_add(len)));
        self.framer
            .encode_length(header.len().saturating_add(len), dst)
            .map_err(frame_error)?;
        dst.extend_from_slice(header);
        if let Err(e) = message.encode(spec, dst) {
            dst.truncate(start);
            return Err(e.into());
        }
        Ok(())
    }
}

/// The fixed header of an answer to a frame with fixed header `header`: a copy with the TPDU's
/// source and destination swapped when it starts with one, as hosts answer terminals.
#[must_use]
pub fn reply_header(header: &[u8]) -> Bytes {
    let mut copy = header.to_vec();
    Tpdu::swap_in_place(&mut copy);
    Bytes::from(copy)
}

impl Decoder for FrameCodec {
    type Item = Inbound;
    type Error = FramingError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Inbound>, FramingError> {
        let (consumed, header_len) = match self.framer.decode(src) {
            Ok(Frame::Partial { needed }) => {
                // `needed` is bounded by the framer's maximum once the length header is in.
                src.reserve(needed);
                return Ok(None);
            }
            Ok(Frame::KeepAlive { consumed }) => {
                let _ = src.split_to(consumed);
                self.consumed = self.consumed.saturating_add(consumed as u64);
                return Ok(Some(Inbound::KeepAlive));
            }
            Ok(Frame::Complete {
                header, consumed, ..
            }) => (consumed, header.len()),
            Err(source) => {
                return Err(FramingError::Frame {
                    source,
                    stream_offset: self.consumed,
                })
            }
        };
        let width = self.framer.length_header().width();
        let mut frame = src.split_to(consumed).freeze();
        self.consumed = self.consumed.saturating_add(consumed as u64);
        let body = frame.split_off(width.min(frame.len()));
        let mut message = body;
        let header = message.split_to(header_len.min(message.len()));
        Ok(Some(Inbound::Message { header, message }))
    }
}

impl Encoder<Outbound> for FrameCodec {
    type Error = FramingError;

    fn encode(&mut self, item: Outbound, dst: &mut BytesMut) -> Result<(), FramingError> {
        let frame_error = |source| FramingError::Frame {
            source,
            stream_offset: 0,
        };
        match item {
            Outbound::KeepAlive => {
                dst.reserve(self.framer.encoded_len(0));
                self.framer.encode_keep_alive(dst).map_err(frame_error)
            }
            Outbound::Message { header, message } => {
                dst.reserve(
                    self.framer
                        .encoded_len(header.len().saturating_add(message.len())),
                );
                self.framer
                    .encode_with_header(&header, &message, dst)
                    .map_err(frame_error)
            }
        }
    }
}
