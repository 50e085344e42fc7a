//! The reader task of a connection, and where the messages that no request takes go.

use std::sync::Arc;

use bytes::Bytes;
use futures_util::StreamExt;
use tokio::io::AsyncRead;
use tokio_util::codec::FramedRead;

use super::events::Unsolicited;
use super::pending::Reply;
use super::shared::{Connection, Outgoing, Shared};
use super::stats::bump;
use crate::net::framing::{FrameCodec, Inbound};
use crate::net::server::{response_to, ECHO_FIELDS};
use crate::{Message, MessageView, Mti, Spec};

/// The reader: decodes every frame, hands responses to their requests, answers echo tests and
/// passes the rest on. Ends on a framing error (the stream cannot be trusted) or on close.
pub(super) async fn read_frames<R>(shared: Arc<Shared>, read: R, conn: Connection)
where
    R: AsyncRead + Unpin,
{
    let mut frames =
        FramedRead::with_capacity(read, FrameCodec::new(shared.config.framer), 64 * 1024);
    let spec = &shared.config.spec;
    let mut handed: u32 = 0;
    while let Some(frame) = frames.next().await {
        // While a burst of answers is still buffered, let the tasks that took the last 8 run
        // (and queue their next requests for the writer) before handing out more: the host then
        // gets work while this side finishes the burst, instead of the two taking turns. With
        // the `Server` doing the same every 32, 64 in flight went from 245k to 300k-318k rt/s
        // (yielding every 16) and 512 in flight from 382k-429k to 322k-358k; every 8 rather
        // than 16 gave 324k-335k against 281k-302k at 64 in three runs each of one session
        // (every 4: 289k-300k). 1 in flight is unchanged: with nothing buffered it never
        // yields (benches/net.rs).
        handed = handed.wrapping_add(1);
        if handed.is_multiple_of(8) && !frames.read_buffer().is_empty() {
            tokio::task::yield_now().await;
        }
        let (header, bytes) = match frame {
            Ok(Inbound::KeepAlive) => {
                shared.touch();
                continue;
            }
            Ok(Inbound::Message { header, message }) => (header, message),
            Err(e) => {
                tracing::warn!(error = %e, "framing error; closing the connection");
                return;
            }
        };
        shared.touch();
        bump(&shared.counters.received);
        // Only a view here, to find the waiting request: the owned message is built by the
        // task that takes it, on its own core, from what this decode found, and dropped there.
        let (mti, key, found) = match MessageView::decode(spec, &bytes) {
            Ok(view) => (view.mti(), shared.config.matcher.key(&view), view.detach()),
            Err(e) => {
                bump(&shared.counters.malformed);
                tracing::warn!(error = %e, "a message did not decode; the connection stays up");
                continue;
            }
        };
        if mti.is_response() {
            let Some(key) = key else {
                unsolicited_bytes(&shared, spec, bytes, Unsolicited::Unmatched);
                continue;
            };
            let (entry, late) = {
                let mut pending = shared.pending();
                let entry = pending.map.remove(&key);
                let late = entry.is_none() && pending.gave_up.remove(&key);
                (entry, late)
            };
            match entry {
                Some(entry) => {
                    if let Err(Reply::Response(bytes, _)) =
                        entry.reply.send(Reply::Response(bytes, found))
                    {
                        unsolicited_bytes(&shared, spec, bytes, Unsolicited::Late);
                    }
                }
                None if late => unsolicited_bytes(&shared, spec, bytes, Unsolicited::Late),
                None => unsolicited_bytes(&shared, spec, bytes, Unsolicited::Unmatched),
            }
            continue;
        }
        let Ok(message) = Message::decode(spec, bytes) else {
            continue;
        };
        if shared.config.answer_echo && message.mti() == Mti::NETWORK_REQUEST {
            // The same answer as the server's own: its echo fields, a TPDU header swapped.
            let Some(mut answer) = response_to(&message, ECHO_FIELDS) else {
                continue;
            };
            if answer.set(spec, 39, "00").is_err() {
                continue;
            }
            let codec = FrameCodec::new(shared.config.framer);
            let mut buf = super::spare::take();
            let reply_header = crate::net::framing::reply_header(&header);
            if codec
                .encode_message(&reply_header, &answer, spec, &mut buf)
                .is_ok()
            {
                let _ = conn.tx.send(Outgoing {
                    key: None,
                    frame: buf,
                });
            }
        } else {
            unsolicited(&shared, Unsolicited::Request(message));
        }
    }
}

/// Hands message bytes checked already to the unsolicited handler, as `kind`.
fn unsolicited_bytes(shared: &Shared, spec: &Spec, bytes: Bytes, kind: fn(Message) -> Unsolicited) {
    if let Ok(message) = Message::decode(spec, bytes) {
        unsolicited(shared, kind(message));
    }
}

fn unsolicited(shared: &Shared, message: Unsolicited) {
    let (kind, counter) = match &message {
        Unsolicited::Late(_) => ("late", Some(&shared.counters.late)),
        Unsolicited::Unmatched(_) => ("unmatched", Some(&shared.counters.unmatched)),
        Unsolicited::Request(_) => ("request", None),
    };
    if let Some(c) = counter {
        bump(c);
    }
    tracing::info!(kind, mti = %message.message().mti(), "unsolicited message");
    if let Some(f) = &shared.config.on_unsolicited {
        f(message);
    }
}
