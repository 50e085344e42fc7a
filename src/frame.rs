//! Network framing: the bytes around a message on a TCP connection.
//!
//! A frame is a length header ([`LengthHeader`]: 2 or 4 bytes binary, 2 bytes BCD, 4 ASCII
//! decimal or 4 ASCII hex digits, counting only what follows or, when inclusive, itself too),
//! then an optional fixed header ([`FrameHeader`], e.g. a 5-byte [`Tpdu`]), then the message.
//! A zero length is a keep-alive.
//!
//! [`Framer::decode`] looks at the start of a growing receive buffer and answers
//! [`Frame::Partial`] ("read more bytes"; not an error), [`Frame::KeepAlive`] or
//! [`Frame::Complete`] with slices into the buffer: nothing is allocated or copied per frame, and
//! a length above the configured maximum is rejected as soon as the length header is in, before
//! any of the payload is buffered. [`Framer::split_all`] walks a capture holding many frames.
//!
//! ```
//! use iso8583_wire::frame::{Frame, Framer, LengthHeader};
//!
//! let framer = Framer::new(LengthHeader::Ascii4);
//! let mut wire = Vec::new();
//! framer.encode(b"0800...", &mut wire)?;
//! assert_eq!(wire, b"00070800...");
//!
//! // Only part of the frame has arrived: ask for the rest.
//! assert_eq!(framer.decode(&wire[..5])?, Frame::Partial { needed: 6 });
//! // All of it.
//! match framer.decode(&wire)? {
//!     Frame::Complete { payload, consumed, .. } => {
//!         assert_eq!(payload, b"0800...");
//!         assert_eq!(consumed, 11);
//!     }
//!     other => panic!("unexpected {other:?}"),
//! }
//! # Ok::<(), iso8583_wire::frame::FrameError>(())
//! ```

mod length;
mod tpdu;

use core::fmt;

use bytes::BufMut;

pub use length::{LengthHeader, UnknownLengthHeader};
pub use tpdu::Tpdu;

/// A fixed-length header between the length header and the message, split off by the framer.
///
/// Leave it at [`FrameHeader::None`] when the spec of the messages declares the header itself
/// (`MessageLayout::header_length`); then the TPDU is part of the payload and decoding the
/// message hands it out as the message's header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum FrameHeader {
    /// No header: the payload starts right after the length header.
    #[default]
    None,
    /// A 5-byte [`Tpdu`].
    Tpdu,
    /// A header of this many bytes.
    Fixed(usize),
}

impl FrameHeader {
    /// The number of bytes of the header.
    #[must_use]
    pub const fn len(self) -> usize {
        match self {
            Self::None => 0,
            Self::Tpdu => Tpdu::LEN,
            Self::Fixed(n) => n,
        }
    }

    /// Whether the header takes no bytes.
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.len() == 0
    }
}

/// What the framer found at the start of a buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Frame<'a> {
    /// A whole frame. Drop `consumed` bytes from the front of the buffer to move to the next.
    Complete {
        /// The frame's fixed header ([`FrameHeader`]); empty when the framer has none.
        header: &'a [u8],
        /// The message after the header.
        payload: &'a [u8],
        /// Bytes of the buffer the frame takes: length header, header and payload.
        consumed: usize,
    },
    /// A zero-length frame, sent to keep the connection open.
    KeepAlive {
        /// Bytes of the buffer the keep-alive takes (the length header).
        consumed: usize,
    },
    /// The frame is not all in yet; this is not an error.
    Partial {
        /// At least this many more bytes are needed: exactly the rest of the frame once the
        /// length header is in, the rest of the length header before.
        needed: usize,
    },
}

/// What went wrong while framing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FrameErrorKind {
    /// The frame is longer than the configured maximum (or, when encoding, than the length
    /// header can say).
    TooLong {
        /// The length of the frame after its length header.
        len: usize,
        /// The largest length allowed.
        max: usize,
    },
    /// The length header holds a byte that is not a digit of its kind.
    InvalidLength,
    /// An inclusive length header holds a non-zero value smaller than its own width.
    LengthBelowHeader {
        /// The value read.
        len: usize,
        /// The width of the length header, the smallest non-zero value allowed.
        min: usize,
    },
    /// A frame that is not a keep-alive is shorter than the framer's fixed header.
    ShorterThanHeader {
        /// The length of the frame after its length header.
        len: usize,
        /// The length of the fixed header.
        header: usize,
    },
    /// A header given to [`Framer::encode_with_header`] has the wrong length.
    HeaderLength {
        /// The length the framer's [`FrameHeader`] declares.
        expected: usize,
        /// The length given.
        actual: usize,
    },
    /// A capture ends inside a frame, after its length header.
    Truncated {
        /// Bytes the frame still needs.
        needed: usize,
        /// Bytes of the frame present after its length header (the length header announces
        /// `needed + available`).
        available: usize,
    },
    /// A capture ends inside a frame's length header.
    TruncatedLengthHeader {
        /// Bytes of the length header still missing.
        needed: usize,
        /// Bytes of the length header present.
        available: usize,
    },
    /// The output buffer cannot take the whole frame.
    OutputFull {
        /// Bytes the frame needs.
        needed: usize,
        /// Bytes the buffer can take.
        available: usize,
    },
}

impl fmt::Display for FrameErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLong { len, max } => {
                write!(f, "length {len} is above the maximum of {max}")
            }
            Self::InvalidLength => f.write_str("the length header is not a number of its kind"),
            Self::LengthBelowHeader { len, min } => write!(
                f,
                "the inclusive length {len} is below the length header's own width of {}",
                ByteCount(*min)
            ),
            Self::ShorterThanHeader { len, header } => write!(
                f,
                "length {len} is shorter than the frame's {header}-byte header"
            ),
            Self::HeaderLength { expected, actual } => write!(
                f,
                "the header is {} long, the framer declares {}",
                ByteCount(*actual),
                ByteCount(*expected)
            ),
            Self::Truncated { needed, available } => {
                let announced = needed.saturating_add(*available);
                write!(f, "the length header announces {}, ", ByteCount(announced))?;
                match available {
                    0 => f.write_str("but the capture ends there"),
                    1 => f.write_str("but only 1 follows"),
                    n => write!(f, "but only {n} follow"),
                }
            }
            Self::TruncatedLengthHeader { needed, available } => write!(
                f,
                "the capture ends inside a length header: {} of {} present",
                ByteCount(*available),
                needed.saturating_add(*available)
            ),
            Self::OutputFull { needed, available } => write!(
                f,
                "the output is full: the frame needs {}, there is room for {available}",
                ByteCount(*needed)
            ),
        }
    }
}

/// `1 byte`, `2 bytes`.
struct ByteCount(usize);

impl fmt::Display for ByteCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            1 => f.write_str("1 byte"),
            n => write!(f, "{n} bytes"),
        }
    }
}

impl FrameErrorKind {
    /// A stable snake-case name for the kind, as used in JSON output.
    #[must_use]
    pub const fn name(&self) -> &'static str {
        match self {
            Self::TooLong { .. } => "too_long",
            Self::InvalidLength => "invalid_length",
            Self::LengthBelowHeader { .. } => "length_below_header",
            Self::ShorterThanHeader { .. } => "shorter_than_header",
            Self::HeaderLength { .. } => "header_length",
            Self::Truncated { .. } => "truncated",
            Self::TruncatedLengthHeader { .. } => "truncated_length_header",
            Self::OutputFull { .. } => "output_full",
        }
    }
}

/// A framing failure: its kind and the absolute offset of the frame's length header in the
/// input (0 for a single [`Framer::decode`] and for encoding errors). Never holds payload bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[error("frame at byte {offset}: {kind}")]
pub struct FrameError {
    kind: FrameErrorKind,
    offset: usize,
}

impl FrameError {
    /// Makes an error of `kind` about the frame starting at byte `offset`.
    #[must_use]
    pub const fn new(kind: FrameErrorKind, offset: usize) -> Self {
        Self { kind, offset }
    }

    /// What went wrong.
    #[must_use]
    pub const fn kind(&self) -> FrameErrorKind {
        self.kind
    }

    /// The absolute offset of the frame's length header in the input.
    #[must_use]
    pub const fn offset(&self) -> usize {
        self.offset
    }
}

/// Splits a byte stream into frames and writes frames; see the [module docs](self).
///
/// A `Framer` is a small `Copy` configuration: the [`LengthHeader`] kind, whether the length
/// counts the length header itself, the largest frame accepted, and an optional fixed
/// [`FrameHeader`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Framer {
    length: LengthHeader,
    inclusive: bool,
    max_len: usize,
    header: FrameHeader,
}

impl Framer {
    /// The default largest frame, after the length header: 100 000 bytes, as jPOS's
    /// `max-packet-length`.
    pub const DEFAULT_MAX_LEN: usize = 100_000;

    /// A framer with `length` headers that count only the bytes after them, a maximum of
    /// [`DEFAULT_MAX_LEN`](Self::DEFAULT_MAX_LEN) and no fixed header.
    #[must_use]
    pub const fn new(length: LengthHeader) -> Self {
        Self {
            length,
            inclusive: false,
            max_len: Self::DEFAULT_MAX_LEN,
            header: FrameHeader::None,
        }
    }

    /// The same framer with lengths that count the length header too (jPOS
    /// `include-header-length`, `AmexChannel`). A keep-alive is then written as the width of the
    /// length header; a zero value is still read as a keep-alive.
    #[must_use]
    pub const fn inclusive(self, inclusive: bool) -> Self {
        Self { inclusive, ..self }
    }

    /// The same framer accepting frames of at most `max_len` bytes after the length header.
    #[must_use]
    pub const fn max_len(self, max_len: usize) -> Self {
        Self { max_len, ..self }
    }

    /// The same framer splitting a fixed `header` off the front of each frame.
    #[must_use]
    pub const fn header(self, header: FrameHeader) -> Self {
        Self { header, ..self }
    }

    /// The kind of length header.
    #[must_use]
    pub const fn length_header(&self) -> LengthHeader {
        self.length
    }

    /// Whether lengths count the length header itself.
    #[must_use]
    pub const fn is_inclusive(&self) -> bool {
        self.inclusive
    }

    /// The fixed header split off each frame.
    #[must_use]
    pub const fn frame_header(&self) -> FrameHeader {
        self.header
    }

    /// The largest frame accepted and written, after the length header: the configured maximum,
    /// or less when the length header cannot say more.
    #[must_use]
    pub const fn max_frame_len(&self) -> usize {
        let mut cap = self.length.max_value();
        if self.inclusive {
            cap = cap.saturating_sub(self.length.width());
        }
        if self.max_len < cap {
            self.max_len
        } else {
            cap
        }
    }

    /// Looks at the start of `buf` for one frame.
    ///
    /// Returns [`Frame::Partial`] while the frame is incomplete, [`Frame::KeepAlive`] for a zero
    /// length, and [`Frame::Complete`] with the header and payload borrowed from `buf`. Bytes
    /// after the frame are left alone.
    ///
    /// # Errors
    /// A [`FrameError`] at offset 0 when the length header is not a number of its kind
    /// ([`InvalidLength`](FrameErrorKind::InvalidLength)), an inclusive length is below the
    /// length header's width ([`LengthBelowHeader`](FrameErrorKind::LengthBelowHeader)), the
    /// length is above the maximum ([`TooLong`](FrameErrorKind::TooLong), reported as soon as
    /// the length header is in) or a frame is shorter than the fixed header
    /// ([`ShorterThanHeader`](FrameErrorKind::ShorterThanHeader)). The connection cannot be
    /// resynchronised after any of these.
    #[inline]
    pub fn decode<'a>(&self, buf: &'a [u8]) -> Result<Frame<'a>, FrameError> {
        self.decode_at(buf, 0)
    }

    /// [`decode`](Self::decode) with errors placed at `offset`.
    #[inline]
    fn decode_at<'a>(&self, buf: &'a [u8], offset: usize) -> Result<Frame<'a>, FrameError> {
        let err = |kind| FrameError::new(kind, offset);
        let width = self.length.width();
        let Some(raw) = buf.get(..width) else {
            return Ok(Frame::Partial {
                needed: width - buf.len(),
            });
        };
        let value = self
            .length
            .read(raw)
            .ok_or(err(FrameErrorKind::InvalidLength))?;
        let len = if !self.inclusive || value == 0 {
            value
        } else if value < width {
            return Err(err(FrameErrorKind::LengthBelowHeader {
                len: value,
                min: width,
            }));
        } else {
            value - width
        };
        if len > self.max_len {
            return Err(err(FrameErrorKind::TooLong {
                len,
                max: self.max_len,
            }));
        }
        if len == 0 {
            return Ok(Frame::KeepAlive { consumed: width });
        }
        let header_len = self.header.len();
        if len < header_len {
            return Err(err(FrameErrorKind::ShorterThanHeader {
                len,
                header: header_len,
            }));
        }
        // len <= max_len, and width + len cannot overflow for any sane maximum; saturate anyway.
        let consumed = width.saturating_add(len);
        let Some(body) = buf.get(width..consumed) else {
            return Ok(Frame::Partial {
                needed: consumed - buf.len(),
            });
        };
        let (header, payload) = body.split_at_checked(header_len).unwrap_or((&[], body));
        Ok(Frame::Complete {
            header,
            payload,
            consumed,
        })
    }

    /// Splits a capture holding frames back to back (e.g. a file of a recorded connection).
    ///
    /// Keep-alives come out as frames with an empty payload
    /// ([`FrameView::is_keep_alive`]). The iterator stops after the first error; a capture that
    /// ends inside a frame gives a [`Truncated`](FrameErrorKind::Truncated) error (or
    /// [`TruncatedLengthHeader`](FrameErrorKind::TruncatedLengthHeader) inside its length
    /// header). Every error
    /// carries the absolute offset of the failing frame's length header.
    #[must_use]
    pub const fn split_all<'a>(&self, capture: &'a [u8]) -> Frames<'a> {
        Frames {
            framer: *self,
            capture,
            pos: 0,
            done: false,
        }
    }

    /// Writes one frame: the length header, then `body` (which holds the fixed header, if the
    /// framer has one, followed by the message).
    ///
    /// # Errors
    /// [`TooLong`](FrameErrorKind::TooLong) when `body` is longer than
    /// [`max_frame_len`](Self::max_frame_len),
    /// [`ShorterThanHeader`](FrameErrorKind::ShorterThanHeader) when a non-empty `body` is
    /// shorter than the fixed header, and [`OutputFull`](FrameErrorKind::OutputFull) when `out`
    /// has no room for the frame. Nothing is written on error.
    pub fn encode<B: BufMut>(&self, body: &[u8], out: &mut B) -> Result<(), FrameError> {
        let header_len = self.header.len();
        if !body.is_empty() && body.len() < header_len {
            return Err(FrameError::new(
                FrameErrorKind::ShorterThanHeader {
                    len: body.len(),
                    header: header_len,
                },
                0,
            ));
        }
        self.encode_parts(&[], body, out)
    }

    /// Writes one frame from a fixed header and a message: the length header, `header`, then
    /// `payload`.
    ///
    /// # Errors
    /// [`HeaderLength`](FrameErrorKind::HeaderLength) when `header` differs in length from the
    /// framer's [`FrameHeader`], otherwise as [`encode`](Self::encode).
    pub fn encode_with_header<B: BufMut>(
        &self,
        header: &[u8],
        payload: &[u8],
        out: &mut B,
    ) -> Result<(), FrameError> {
        let expected = self.header.len();
        if header.len() != expected {
            return Err(FrameError::new(
                FrameErrorKind::HeaderLength {
                    expected,
                    actual: header.len(),
                },
                0,
            ));
        }
        self.encode_parts(header, payload, out)
    }

    /// Writes only the length header of a frame whose body (fixed header and message) will be
    /// `body_len` bytes, for a writer that then puts the body straight after it without a
    /// second buffer.
    ///
    /// # Errors
    /// [`TooLong`](FrameErrorKind::TooLong) when `body_len` is above
    /// [`max_frame_len`](Self::max_frame_len), [`ShorterThanHeader`](FrameErrorKind::ShorterThanHeader)
    /// when a non-zero `body_len` is shorter than the fixed header, and
    /// [`OutputFull`](FrameErrorKind::OutputFull) when `out` has no room for the length header.
    pub fn encode_length<B: BufMut>(&self, body_len: usize, out: &mut B) -> Result<(), FrameError> {
        let header_len = self.header.len();
        if body_len != 0 && body_len < header_len {
            return Err(FrameError::new(
                FrameErrorKind::ShorterThanHeader {
                    len: body_len,
                    header: header_len,
                },
                0,
            ));
        }
        let max = self.max_frame_len();
        let too_long = FrameError::new(FrameErrorKind::TooLong { len: body_len, max }, 0);
        if body_len > max {
            return Err(too_long);
        }
        let width = self.length.width();
        let value = if self.inclusive {
            body_len + width
        } else {
            body_len
        };
        let raw = self.length.write(value).ok_or(too_long)?;
        let available = out.remaining_mut();
        if available < width {
            return Err(FrameError::new(
                FrameErrorKind::OutputFull {
                    needed: width,
                    available,
                },
                0,
            ));
        }
        out.put_slice(raw.get(..width).unwrap_or(&raw));
        Ok(())
    }

    /// Writes a keep-alive: a length header saying zero (or, inclusive, its own width).
    ///
    /// # Errors
    /// [`OutputFull`](FrameErrorKind::OutputFull) when `out` has no room for it.
    pub fn encode_keep_alive<B: BufMut>(&self, out: &mut B) -> Result<(), FrameError> {
        self.encode_parts(&[], &[], out)
    }

    /// The number of bytes [`encode`](Self::encode) writes for a body of `body_len` bytes.
    #[must_use]
    pub const fn encoded_len(&self, body_len: usize) -> usize {
        self.length.width().saturating_add(body_len)
    }

    fn encode_parts<B: BufMut>(
        &self,
        header: &[u8],
        payload: &[u8],
        out: &mut B,
    ) -> Result<(), FrameError> {
        let len = header.len().saturating_add(payload.len());
        let max = self.max_frame_len();
        let too_long = FrameError::new(FrameErrorKind::TooLong { len, max }, 0);
        if len > max {
            return Err(too_long);
        }
        let width = self.length.width();
        let value = if self.inclusive { len + width } else { len };
        let raw = self.length.write(value).ok_or(too_long)?;
        let needed = width + len;
        let available = out.remaining_mut();
        if available < needed {
            return Err(FrameError::new(
                FrameErrorKind::OutputFull { needed, available },
                0,
            ));
        }
        out.put_slice(raw.get(..width).unwrap_or(&raw));
        out.put_slice(header);
        out.put_slice(payload);
        Ok(())
    }
}

/// One frame of a capture, from [`Framer::split_all`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameView<'a> {
    offset: usize,
    wire_len: usize,
    header: &'a [u8],
    payload: &'a [u8],
}

impl<'a> FrameView<'a> {
    /// The offset of the frame's length header in the capture.
    #[must_use]
    pub const fn offset(&self) -> usize {
        self.offset
    }

    /// The offset of the message (after the length header and the fixed header) in the capture,
    /// to add to the offsets of errors from decoding the payload.
    #[must_use]
    pub const fn payload_offset(&self) -> usize {
        self.offset + self.wire_len - self.payload.len()
    }

    /// The bytes the frame takes in the capture, length header included.
    #[must_use]
    pub const fn wire_len(&self) -> usize {
        self.wire_len
    }

    /// The fixed header ([`FrameHeader`]); empty when the framer has none or for a keep-alive.
    #[must_use]
    pub const fn header(&self) -> &'a [u8] {
        self.header
    }

    /// The message after the fixed header; empty for a keep-alive.
    #[must_use]
    pub const fn payload(&self) -> &'a [u8] {
        self.payload
    }

    /// Whether the frame is a zero-length keep-alive.
    #[must_use]
    pub const fn is_keep_alive(&self) -> bool {
        self.header.is_empty() && self.payload.is_empty()
    }
}

/// The frames of a capture; see [`Framer::split_all`].
#[derive(Clone, Debug)]
pub struct Frames<'a> {
    framer: Framer,
    capture: &'a [u8],
    pos: usize,
    done: bool,
}

impl<'a> Iterator for Frames<'a> {
    type Item = Result<FrameView<'a>, FrameError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let rest = self.capture.get(self.pos..).unwrap_or(&[]);
        if rest.is_empty() {
            self.done = true;
            return None;
        }
        let offset = self.pos;
        let frame = match self.framer.decode_at(rest, offset) {
            Ok(frame) => frame,
            Err(e) => {
                self.done = true;
                return Some(Err(e));
            }
        };
        let (header, payload, consumed): (&[u8], &[u8], usize) = match frame {
            Frame::Complete {
                header,
                payload,
                consumed,
            } => (header, payload, consumed),
            Frame::KeepAlive { consumed } => (&[], &[], consumed),
            Frame::Partial { needed } => {
                self.done = true;
                // Bytes left count what follows the length header, the length header apart.
                let width = self.framer.length.width();
                let kind = match rest.len().checked_sub(width) {
                    Some(available) => FrameErrorKind::Truncated { needed, available },
                    None => FrameErrorKind::TruncatedLengthHeader {
                        needed,
                        available: rest.len(),
                    },
                };
                return Some(Err(FrameError::new(kind, offset)));
            }
        };
        self.pos = offset + consumed;
        Some(Ok(FrameView {
            offset,
            wire_len: consumed,
            header,
            payload,
        }))
    }
}

impl core::iter::FusedIterator for Frames<'_> {}
