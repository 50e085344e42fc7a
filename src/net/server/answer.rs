//! Answering one request: the handler's [`Action`] or the server's own echo, encoded and queued
//! for the writer.

use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use tokio::sync::mpsc;

use super::config::ServerConfig;
use super::handler::{Action, Handler, Session};
use super::request::Request;
use super::shared::Shared;
use super::stats::bump;
use crate::net::framing::{reply_header, FrameCodec};
use crate::Message;

/// The fields an automatic 0810 copies from the 0800, those present: transmission time, STAN,
/// local time and date, function code or NII, acquirer, terminal and network management code.
pub const ECHO_FIELDS: &[u16] = &[7, 11, 12, 13, 24, 32, 41, 70];

/// The response to `request` that a host sends: [`Message::response`] (the response MTI and
/// the fields `echo` that are present), with the message header copied and the TPDU at its
/// start swapped when it is at least a TPDU long (the built-in specs with a message header,
/// `cup-*`, start it with one). `None` when `request` is a response.
#[must_use]
pub fn response_to(request: &Message, echo: &[u16]) -> Option<Message> {
    let mut answer = request.response(echo)?;
    if !request.header().is_empty() {
        answer.set_header(reply_header(request.header()));
    }
    Some(answer)
}

/// What a request's task tells its session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Flow {
    Continue,
    Close,
}

/// The automatic 0810 to an 0800 or 0801, when the server answers them itself.
fn echo_answer(config: &ServerConfig, request: &Request) -> Option<Message> {
    if !config.answer_echo {
        return None;
    }
    let message = request.message().ok()?;
    if !matches!(message.mti().as_bytes(), [_, b'8', b'0', b'0' | b'1']) {
        return None;
    }
    let mut answer = response_to(message, ECHO_FIELDS)?;
    answer.set(&config.spec, 39, "00").ok()?;
    Some(answer)
}

/// Runs the handler for one request (or answers an echo) and queues its answer.
pub(super) async fn answer<H: Handler>(
    shared: Arc<Shared<H>>,
    session: Session,
    request: Request,
    tx: mpsc::Sender<Bytes>,
) -> Flow {
    let config = &shared.config;
    let frame_header = reply_header(request.frame_header());
    let action = if let Some(echo) = echo_answer(config, &request) {
        bump(&shared.counters.echoes);
        Action::Reply(echo)
    } else {
        shared.handler.handle(&session, request).await
    };
    let message = match action {
        Action::NoReply => return Flow::Continue,
        Action::Close => return Flow::Close,
        Action::SendRaw(bytes) => {
            let _ = tx.send(bytes).await;
            return Flow::Continue;
        }
        Action::Reply(message) => message,
        Action::ReplyAfter(delay, message) => {
            tokio::time::sleep(delay).await;
            message
        }
    };
    let mut buf = BytesMut::new();
    let codec = FrameCodec::new(config.framer);
    match codec.encode_message(&frame_header, &message, &config.spec, &mut buf) {
        Ok(()) => {
            tracing::debug!(
                session = session.id,
                mti = %message.mti(),
                len = buf.len(),
                "answer"
            );
            // The session is closing when the writer is gone: nothing to do.
            let _ = tx.send(buf.freeze()).await;
        }
        Err(e) => tracing::warn!(
            session = session.id,
            mti = %message.mti(),
            error = %e,
            "the answer does not encode; not sent"
        ),
    }
    Flow::Continue
}
