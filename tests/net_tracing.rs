//! What the `net` module logs: a global `tracing` subscriber written here captures every field
//! of every event and span while a channel goes through answers, a timeout whose reversal is
//! sent and accepted, unmatched and late answers, garbage frames holding card numbers, a dropped
//! connection and its reconnect, against a raw host and against the library's own `Server` with
//! a `TestHost`. The log must say what happened (reversals, MTIs) and never show the PAN, any
//! run of its middle digits, or track 2.
#![cfg(feature = "net")]
#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unwrap_used
)]

use core::fmt::Write as _;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use iso8583_wire::frame::{Framer, LengthHeader};
use iso8583_wire::net::client::{
    Backoff, Channel, ChannelConfig, Endpoint, Failure, ReversalConfig, ReversalStatus,
};
use iso8583_wire::net::framing::{FrameCodec, Inbound};
use iso8583_wire::net::journal::{Journal, MemoryJournal};
use iso8583_wire::net::server::{Server, ServerConfig};
use iso8583_wire::net::testhost::{Rules, TestHost};
use iso8583_wire::{Message, Mti, Spec};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio_util::codec::FramedRead;
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};

const PAN: &str = "4761739001010010";
const TRACK2: &str = "4761739001010010=25122011143804400000";

/// Everything logged so far, one line per event or span.
fn log() -> &'static Mutex<String> {
    static LOG: OnceLock<Arc<Mutex<String>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let text = Arc::new(Mutex::new(String::new()));
        tracing::subscriber::set_global_default(Capture {
            text: Arc::clone(&text),
            next_id: AtomicU64::new(1),
        })
        .expect("the only global subscriber");
        text
    })
}

/// A subscriber that keeps the text of every field of every event and span.
struct Capture {
    text: Arc<Mutex<String>>,
    next_id: AtomicU64,
}

/// Appends each field as ` name=value`, with the value as its `Debug` (or the text itself).
struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn core::fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, " {}={value}", field.name());
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        let _ = write!(self.0, " {}={value} ({value:?})", field.name());
    }
}

impl Capture {
    fn line(&self, kind: &str, meta: &Metadata<'_>, fill: impl FnOnce(&mut Fields<'_>)) {
        let mut line = format!("{kind} {} {}:", meta.level(), meta.target());
        fill(&mut Fields(&mut line));
        line.push('\n');
        self.text.lock().expect("lock").push_str(&line);
    }
}

impl Subscriber for Capture {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        Interest::always()
    }

    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(LevelFilter::TRACE)
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        self.line("span", span.metadata(), |f| span.record(f));
        Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed))
    }

    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut line = String::from("record:");
        values.record(&mut Fields(&mut line));
        line.push('\n');
        self.text.lock().expect("lock").push_str(&line);
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        self.line("event", event.metadata(), |f| event.record(f));
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// Asserts that the log is there, and shows no card data.
fn assert_log_is_clean(must_mention: &[&str]) {
    let text = log().lock().expect("lock").clone();
    assert!(!text.is_empty(), "nothing was logged");
    for word in must_mention {
        assert!(
            text.contains(word),
            "the log never mentions {word:?}:\n{text}"
        );
    }
    for secret in [PAN, "739001", TRACK2, "=2512", "25122011143804400000"] {
        let line = text.lines().find(|l| l.contains(secret));
        assert!(line.is_none(), "the log shows {secret:?}: {line:?}");
    }
}

fn spec() -> &'static Spec {
    Spec::builtin("iso8583-1987-ascii").expect("builtin spec")
}

fn framer() -> Framer {
    Framer::new(LengthHeader::Binary2)
}

fn sale(stan: u32, amount: u32) -> Message {
    let s = spec();
    let mut m = Message::new(Mti::FINANCIAL_REQUEST);
    m.set(s, 2, PAN)
        .and_then(|m| m.set(s, 3, "000000"))
        .and_then(|m| m.set(s, 4, amount.to_string()))
        .and_then(|m| m.set(s, 7, "1206185003"))
        .and_then(|m| m.set(s, 11, format!("{stan:06}")))
        .and_then(|m| m.set(s, 35, TRACK2))
        .and_then(|m| m.set(s, 41, "TERM0001"))
        .and_then(|m| m.set(s, 49, "840"))
        .expect("valid sale");
    m
}

fn answer(request: &Message, code: &str) -> Message {
    let mut a = request
        .response(&[2, 3, 4, 7, 11, 41, 49, 90])
        .expect("a request");
    a.set(spec(), 39, code).expect("DE39");
    a
}

fn frame(m: &Message) -> Bytes {
    let mut buf = BytesMut::new();
    FrameCodec::new(framer())
        .encode_message(&[], m, spec(), &mut buf)
        .expect("frames");
    buf.freeze()
}

fn de(m: &Message, n: u16) -> String {
    m.field(spec(), n).map(|f| f.to_text()).unwrap_or_default()
}

/// A 0210 holding the PAN whose DE2 length prefix is broken: it does not decode, and its bytes
/// hold the card number.
fn garbage_with_the_pan() -> Bytes {
    let mut a = answer(&sale(900, 1000), "00");
    a.remove(35);
    let mut bytes = frame(&a).to_vec();
    let at = bytes
        .windows(PAN.len())
        .position(|w| w == PAN.as_bytes())
        .expect("the PAN is in the frame");
    assert_eq!(&bytes[at - 2..at], b"16", "DE2's LL prefix");
    bytes[at - 1] = b'X';
    Bytes::from(bytes)
}

fn quick_backoff() -> Backoff {
    Backoff {
        initial: Duration::from_millis(10),
        max: Duration::from_millis(50),
    }
}

async fn wait_until(what: &str, cond: impl Fn() -> bool) {
    for _ in 0..500 {
        if cond() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("not within 5 s: {what}");
}

/// A raw loopback host. On its first connection: STAN 2 gets no answer, STAN 3 gets a garbage
/// frame holding the PAN and an answer matching nothing before its own, STAN 5 is answered
/// late, STAN 4 closes the connection. Everything else, and every later connection, is
/// answered `00`.
async fn raw_host() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let connections = Arc::new(AtomicUsize::new(0));
    let conns = Arc::clone(&connections);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let first = conns.fetch_add(1, Ordering::SeqCst) == 0;
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut frames = FramedRead::new(read, FrameCodec::new(framer()));
                while let Some(Ok(item)) = frames.next().await {
                    let Inbound::Message { message, .. } = item else {
                        continue;
                    };
                    let Ok(r) = Message::decode(spec(), message) else {
                        continue;
                    };
                    if r.mti().is_response() {
                        continue;
                    }
                    let stan = de(&r, 11);
                    let reply = frame(&answer(&r, "00"));
                    let out: Vec<Bytes> = match (first, r.mti(), stan.as_str()) {
                        (true, Mti::FINANCIAL_REQUEST, "000002") => Vec::new(),
                        (true, Mti::FINANCIAL_REQUEST, "000003") => {
                            let mut stray = answer(&r, "00");
                            stray.set(spec(), 11, "999999").expect("DE11");
                            vec![garbage_with_the_pan(), frame(&stray), reply]
                        }
                        (true, Mti::FINANCIAL_REQUEST, "000004") => return,
                        (true, Mti::FINANCIAL_REQUEST, "000005") => {
                            tokio::time::sleep(Duration::from_millis(300)).await;
                            vec![reply]
                        }
                        _ => vec![reply],
                    };
                    for bytes in out {
                        if write.write_all(&bytes).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    (addr, connections)
}

#[tokio::test]
async fn a_channel_through_every_kind_of_trouble_logs_no_card_data() {
    let _ = log();
    let (addr, connections) = raw_host().await;
    let journal = Arc::new(MemoryJournal::new());
    let ch = Channel::start(
        Endpoint::tcp(addr),
        ChannelConfig::new(spec().clone(), framer())
            .keep_alive(None)
            .backoff(quick_backoff())
            .reversal(
                ReversalConfig::new(journal.clone())
                    .answer_timeout(Duration::from_secs(2))
                    .retry_interval(Duration::from_millis(100)),
            ),
    );
    assert!(ch.wait_connected(Duration::from_secs(5)).await);

    // An answer.
    let r = ch
        .send(&sale(1, 1000), Duration::from_secs(5))
        .await
        .expect("answered");
    assert_eq!(de(&r, 39), "00");
    // No answer: the reversal is journalled, sent, and accepted.
    let e = ch
        .send(&sale(2, 1000), Duration::from_millis(150))
        .await
        .expect_err("no answer");
    assert_eq!(e.failure(), Some(Failure::NoResponse));
    assert!(matches!(e.reversal(), ReversalStatus::Queued(_)));
    // A garbage frame holding the PAN and an answer that matches nothing, then the answer.
    let r = ch
        .send(&sale(3, 1000), Duration::from_secs(5))
        .await
        .expect("answered after the noise");
    assert_eq!(de(&r, 11), "000003");
    // An answer after the request gave up.
    let e = ch
        .send(&sale(5, 1000), Duration::from_millis(100))
        .await
        .expect_err("answered too late");
    assert_eq!(e.failure(), Some(Failure::NoResponse));
    wait_until("the late answer", || ch.stats().late == 1).await;
    // The host drops the connection: reversed after the reconnect.
    let e = ch
        .send(&sale(4, 1000), Duration::from_secs(5))
        .await
        .expect_err("dropped");
    assert_eq!(e.failure(), Some(Failure::ConnectionLost));
    assert!(ch.wait_connected(Duration::from_secs(5)).await);
    let r = ch
        .send(&sale(6, 1000), Duration::from_secs(5))
        .await
        .expect("answered after the reconnect");
    assert_eq!(de(&r, 11), "000006");
    // The rows leave the journal, then the counter moves: wait for both.
    wait_until("every reversal is accepted", || {
        journal.list().map(|l| l.is_empty()).unwrap_or(false) && ch.stats().reversals_accepted == 3
    })
    .await;

    let st = ch.stats();
    assert_eq!((st.malformed, st.unmatched, st.late), (1, 1, 1));
    assert_eq!(st.reversals_accepted, 3);
    assert!(st.reconnects >= 1);
    assert!(connections.load(Ordering::SeqCst) >= 2);
    ch.close(Duration::from_millis(50)).await;
    assert_log_is_clean(&[
        "reversal",
        "Accepted",
        "0210",
        "unsolicited",
        "did not decode",
    ]);
}

#[tokio::test]
async fn a_channel_and_the_library_server_log_no_card_data() {
    let _ = log();
    let rules = Rules::from_toml_str(
        r#"
        [[rule]]
        mti = "0200"
        amount_min = 2000
        amount_max = 2000
        action = "no_answer"

        [[rule]]
        mti = "0200"
        amount_min = 3000
        amount_max = 3000
        action = "malformed"

        [[rule]]
        mti = "0200"
        amount_min = 4000
        amount_max = 4000
        action = "close"

        [[rule]]
        mti = "0200"
        amount_min = 5000
        amount_max = 5000
        respond = "51"
        "#,
    )
    .expect("rules");
    let host = TestHost::new(rules, spec().clone(), framer());
    let server = Server::bind(
        "127.0.0.1:0",
        ServerConfig::new(spec().clone(), framer().max_len(1000)),
    )
    .await
    .expect("bind")
    .start(host.clone());
    let addr = server.local_addr().to_string();

    // A peer that sends the server a frame holding the PAN that does not decode, then a
    // length header above the server's maximum of 1000.
    let mut raw = TcpStream::connect(&addr).await.expect("connect");
    raw.write_all(&garbage_with_the_pan()).await.expect("write");
    raw.write_all(&[0xFF, 0xFF, b'4', b'7', b'6', b'1'])
        .await
        .expect("write");
    raw.flush().await.expect("flush");

    let journal = Arc::new(MemoryJournal::new());
    let ch = Channel::start(
        Endpoint::tcp(addr),
        ChannelConfig::new(spec().clone(), framer())
            .keep_alive(Some(Duration::from_millis(200)))
            .sign_on(true)
            .backoff(quick_backoff())
            .reversal(ReversalConfig::new(journal.clone()).answer_timeout(Duration::from_secs(2))),
    );
    assert!(ch.wait_connected(Duration::from_secs(5)).await);
    let r = ch
        .send(&sale(11, 1000), Duration::from_secs(5))
        .await
        .expect("approved");
    assert_eq!(de(&r, 39), "00");
    let r = ch
        .send(&sale(12, 5000), Duration::from_secs(5))
        .await
        .expect("declined");
    assert_eq!(de(&r, 39), "51");
    let e = ch
        .send(&sale(13, 2000), Duration::from_millis(150))
        .await
        .expect_err("no answer");
    assert_eq!(e.failure(), Some(Failure::NoResponse));
    let e = ch
        .send(&sale(14, 3000), Duration::from_millis(150))
        .await
        .expect_err("a malformed answer");
    assert_eq!(e.failure(), Some(Failure::NoResponse));
    let e = ch
        .send(&sale(15, 4000), Duration::from_secs(5))
        .await
        .expect_err("closed");
    assert_eq!(e.failure(), Some(Failure::ConnectionLost));
    assert!(ch.wait_connected(Duration::from_secs(5)).await);
    wait_until("every reversal is accepted", || {
        journal.list().map(|l| l.is_empty()).unwrap_or(false)
    })
    .await;
    // Let an idle echo test go by.
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Three reversals; one in flight when the host closed the connection is sent again as a
    // repeat (0401), and its first transmission may or may not have reached the host.
    let first = host.requests_seen(Mti::REVERSAL_REQUEST);
    let repeats = host.requests_seen(Mti::REVERSAL_REQUEST.repeat());
    assert!(
        first <= 3 && first + repeats >= 3,
        "0400 {first}, 0401 {repeats}"
    );
    assert!(ch.stats().malformed >= 1);
    ch.close(Duration::from_millis(50)).await;
    drop(raw);
    let stats = server.shutdown(Duration::from_millis(200)).await;
    assert!(
        stats.decode_errors >= 1 && stats.framing_errors >= 1,
        "{stats:?}"
    );
    assert_log_is_clean(&[
        "reversal",
        "session opened",
        "did not decode",
        "framing error",
        "test host exchange",
    ]);
}
