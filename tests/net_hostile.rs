//! The client channel against hosts that misbehave: answers cut off at every byte, unsolicited
//! garbage and stray answers before any request, a journal that refuses (or panics), a length
//! header far above the maximum, a host that drops 200 requests in flight, and answers that
//! trickle in a byte at a time. Each request must end exactly once, with the right failure, and
//! whatever may have reached the host must be reversed.
//!
//! A corrupt journal file given to `SqliteJournal::open` is covered in `tests/net_journal.rs`
//! (`rejects_a_file_that_is_not_a_database`).
#![cfg(feature = "net")]
#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unwrap_used
)]

#[path = "support/net.rs"]
mod support;
use support::{answer, de, frame, framer, spec};

use std::collections::{BTreeSet, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::StreamExt;
use iso8583_wire::net::client::{
    Backoff, Channel, ChannelConfig, Endpoint, Failure, ReversalConfig, ReversalEvent,
    ReversalFailure, ReversalStatus, SendErrorKind, Unsolicited,
};
use iso8583_wire::net::framing::{FrameCodec, Inbound};
use iso8583_wire::net::journal::{
    Journal, JournalError, MemoryJournal, NewReversal, ParkReason, StoredReversal,
};
use iso8583_wire::{Message, Mti};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio_util::codec::FramedRead;
use tokio_util::sync::CancellationToken;

const PAN: &str = "4761739001010010";
const TRACK2: &str = "4761739001010010=25122011143804400000";

/// A sale carrying a PAN and track 2, with STAN `stan`.
fn sale(stan: u32) -> Message {
    let s = spec();
    let mut m = Message::new(Mti::FINANCIAL_REQUEST);
    m.set(s, 2, PAN)
        .and_then(|m| m.set(s, 3, "000000"))
        .and_then(|m| m.set(s, 4, "1000"))
        .and_then(|m| m.set(s, 7, "1206185003"))
        .and_then(|m| m.set(s, 11, format!("{stan:06}")))
        .and_then(|m| m.set(s, 35, TRACK2))
        .and_then(|m| m.set(s, 41, "TERM0001"))
        .and_then(|m| m.set(s, 49, "840"))
        .expect("valid sale");
    m
}

fn stan(m: &Message) -> u32 {
    de(m, 11).parse().expect("a numeric STAN")
}

/// One thing the raw host does.
enum Step {
    /// Write these bytes.
    Write(Bytes),
    /// Write these bytes one at a time, flushing each.
    Trickle(Bytes),
    /// Wait.
    Pause(Duration),
    /// Close the connection.
    Close,
}

/// What the host does after each request of connection `conn` (0-based), given all of them so
/// far on that connection.
type Script = Arc<dyn Fn(usize, &[Message]) -> Vec<Step> + Send + Sync>;
/// What the host writes as soon as connection `conn` is accepted, before reading anything.
type Greeting = Arc<dyn Fn(usize) -> Vec<Bytes> + Send + Sync>;

/// A loopback host that can also drop every open connection on demand.
struct Host {
    addr: String,
    seen: Arc<Mutex<Vec<Message>>>,
    connections: Arc<AtomicUsize>,
    kill: Arc<Mutex<CancellationToken>>,
}

impl Host {
    /// Closes every connection open now; later ones are not affected.
    fn drop_connections(&self) {
        let mut token = self.kill.lock().expect("lock");
        token.cancel();
        *token = CancellationToken::new();
    }

    fn seen(&self) -> Vec<Message> {
        self.seen.lock().expect("lock").clone()
    }
}

async fn host(greeting: Greeting, script: Script) -> Host {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let connections = Arc::new(AtomicUsize::new(0));
    let kill = Arc::new(Mutex::new(CancellationToken::new()));
    let (seen2, conns2, kill2) = (
        Arc::clone(&seen),
        Arc::clone(&connections),
        Arc::clone(&kill),
    );
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let conn = conns2.fetch_add(1, Ordering::SeqCst);
            let token = kill2.lock().expect("lock").clone();
            let (script, greeting, seen) = (
                Arc::clone(&script),
                Arc::clone(&greeting),
                Arc::clone(&seen2),
            );
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                for bytes in greeting(conn) {
                    if write.write_all(&bytes).await.is_err() {
                        return;
                    }
                }
                let mut frames = FramedRead::new(read, FrameCodec::new(framer()));
                let mut mine = Vec::new();
                loop {
                    let next = tokio::select! {
                        next = frames.next() => next,
                        () = token.cancelled() => return,
                    };
                    let message = match next {
                        Some(Ok(Inbound::Message { message, .. })) => message,
                        Some(Ok(Inbound::KeepAlive)) => continue,
                        _ => return,
                    };
                    let Ok(m) = Message::decode(spec(), message) else {
                        continue;
                    };
                    seen.lock().expect("lock").push(m.clone());
                    mine.push(m);
                    for step in script(conn, &mine) {
                        let ok = match step {
                            Step::Write(bytes) => write.write_all(&bytes).await.is_ok(),
                            Step::Trickle(bytes) => {
                                let mut ok = true;
                                for b in bytes.iter() {
                                    ok = write.write_all(&[*b]).await.is_ok()
                                        && write.flush().await.is_ok();
                                    if !ok {
                                        break;
                                    }
                                    tokio::time::sleep(Duration::from_millis(1)).await;
                                }
                                ok
                            }
                            Step::Pause(d) => {
                                tokio::time::sleep(d).await;
                                true
                            }
                            Step::Close => false,
                        };
                        if !ok {
                            return;
                        }
                    }
                }
            });
        }
    });
    Host {
        addr,
        seen,
        connections,
        kill,
    }
}

fn no_greeting() -> Greeting {
    Arc::new(|_| Vec::new())
}

/// Answers every request `00` (reversals too, as 0410), and nothing else.
fn approve_all() -> Script {
    Arc::new(|_, reqs: &[Message]| match reqs.last() {
        Some(r) if !r.mti().is_response() => vec![Step::Write(frame(&answer(r, "00")))],
        _ => Vec::new(),
    })
}

fn silent() -> Script {
    Arc::new(|_, _: &[Message]| Vec::new())
}

fn quick_backoff() -> Backoff {
    Backoff {
        initial: Duration::from_millis(10),
        max: Duration::from_millis(50),
    }
}

/// A backoff long enough that no reconnect happens while a test looks.
fn no_reconnect() -> Backoff {
    Backoff {
        initial: Duration::from_secs(30),
        max: Duration::from_secs(30),
    }
}

fn config() -> ChannelConfig {
    ChannelConfig::new(spec().clone(), framer()).keep_alive(None)
}

async fn start(host: &Host, config: ChannelConfig) -> Channel {
    let ch = Channel::start(Endpoint::tcp(host.addr.clone()), config);
    assert!(ch.wait_connected(Duration::from_secs(5)).await, "connects");
    ch
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

/// Asserts that `text` shows no card data of the test messages.
fn assert_no_card_data(what: &str, text: &str) {
    for secret in [PAN, "739001", TRACK2, "25122011143804400000"] {
        assert!(!text.contains(secret), "{what} shows {secret:?}: {text}");
    }
}

#[tokio::test]
async fn an_answer_cut_at_any_byte_then_closed_is_connection_lost_and_reversed() {
    let full = frame(&answer(&sale(0), "00")).len();
    assert!(full > 80, "a realistic answer of {full} bytes");
    // The STAN of each request says where to cut its answer.
    let h = host(
        no_greeting(),
        Arc::new(|_, reqs: &[Message]| {
            let r = reqs.last().expect("one");
            let wire = frame(&answer(r, "00"));
            let cut = usize::try_from(stan(r)).expect("small").min(wire.len() - 1);
            vec![Step::Write(wire.slice(..cut)), Step::Close]
        }),
    )
    .await;
    let began = Instant::now();
    for k in 0..full {
        let journal = Arc::new(MemoryJournal::new());
        let ch = start(
            &h,
            config()
                .backoff(no_reconnect())
                .reversal(ReversalConfig::new(journal.clone())),
        )
        .await;
        let k32 = u32::try_from(k).expect("small");
        let e = ch
            .send(&sale(k32), Duration::from_secs(3))
            .await
            .expect_err("the answer never arrives whole");
        assert!(
            matches!(
                e.failure(),
                Some(Failure::ConnectionLost | Failure::NoResponse)
            ),
            "cut at {k}: {e:?}"
        );
        let ReversalStatus::Queued(id) = *e.reversal() else {
            panic!("cut at {k}: reversal {:?}", e.reversal());
        };
        let list = journal.list().expect("list");
        assert_eq!(
            list.iter()
                .map(|r| (r.id, r.stan.as_str()))
                .collect::<Vec<_>>(),
            [(id, format!("{k:06}").as_str())],
            "cut at {k}"
        );
        let st = ch.stats();
        assert_eq!(st.in_flight, 0, "cut at {k}");
        assert_eq!((st.received, st.malformed), (0, 0), "cut at {k}");
        assert_eq!(st.reversals_queued, 1);
        assert_no_card_data("the error", &format!("{e} {e:?}"));
        ch.close(Duration::from_millis(10)).await;
    }
    assert_eq!(h.connections.load(Ordering::SeqCst), full);
    assert!(
        began.elapsed() < Duration::from_secs(10),
        "{full} cuts took {:?}",
        began.elapsed()
    );
}

#[tokio::test]
async fn an_answer_whose_second_half_comes_after_the_timeout_is_late_and_the_link_survives() {
    let h = host(
        no_greeting(),
        Arc::new(|_, reqs: &[Message]| {
            let r = reqs.last().expect("one");
            let wire = frame(&answer(r, "00"));
            if stan(r) == 1 {
                let half = wire.len() / 2;
                vec![
                    Step::Write(wire.slice(..half)),
                    Step::Pause(Duration::from_millis(400)),
                    Step::Write(wire.slice(half..)),
                ]
            } else {
                vec![Step::Write(wire)]
            }
        }),
    )
    .await;
    let late = Arc::new(AtomicUsize::new(0));
    let l2 = Arc::clone(&late);
    let journal = Arc::new(MemoryJournal::new());
    let ch = start(
        &h,
        config()
            .on_unsolicited(move |u| {
                if matches!(u, Unsolicited::Late(_)) {
                    l2.fetch_add(1, Ordering::SeqCst);
                }
            })
            .reversal(ReversalConfig::new(journal.clone())),
    )
    .await;
    let e = ch
        .send(&sale(1), Duration::from_millis(150))
        .await
        .expect_err("half an answer in time");
    assert_eq!(e.failure(), Some(Failure::NoResponse));
    assert!(matches!(e.reversal(), ReversalStatus::Queued(_)));
    wait_until("the late half arrives", || late.load(Ordering::SeqCst) == 1).await;
    let r = ch
        .send(&sale(2), Duration::from_secs(5))
        .await
        .expect("answered on the same connection");
    assert_eq!(de(&r, 11), "000002");
    // The reversal of the first went out on the same connection and was approved.
    wait_until("the reversal is accepted", || {
        journal.list().map(|l| l.is_empty()).unwrap_or(false)
    })
    .await;
    let st = ch.stats();
    assert_eq!((st.late, st.timeouts, st.in_flight), (1, 1, 0));
    assert_eq!(h.connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn unsolicited_garbage_and_stray_answers_before_any_request_leave_the_link_up() {
    let s = spec();
    let stray = |mti: Mti, stan: &str| {
        let mut m = Message::new(mti);
        m.set(s, 11, stan)
            .and_then(|m| m.set(s, 39, "00"))
            .and_then(|m| m.set(s, 41, "TERM0001"))
            .expect("stray answer");
        frame(&m)
    };
    let mut no_stan = Message::new(Mti::FINANCIAL_RESPONSE);
    no_stan.set(s, 39, "00").expect("DE39");
    let mut host_echo = Message::new(Mti::NETWORK_REQUEST);
    host_echo
        .set(s, 7, "1206185003")
        .and_then(|m| m.set(s, 11, "424242"))
        .and_then(|m| m.set(s, 70, "301"))
        .expect("echo");
    let mut host_sale = sale(555);
    host_sale.remove(35);
    let greeting: Vec<Bytes> = vec![
        // Garbage inside valid frames: not an MTI, an MTI with a bad bitmap, a cut field, 0xFF.
        Bytes::from_static(b"\x00\x05ZZZZZ"),
        Bytes::from_static(b"\x00\x0a0210XXXXXX"),
        {
            let mut cut = frame(&answer(&sale(9), "00")).to_vec();
            cut.truncate(cut.len() - 3);
            let len = u16::try_from(cut.len() - 2).expect("small").to_be_bytes();
            cut[..2].copy_from_slice(&len);
            Bytes::from(cut)
        },
        Bytes::from(
            [&[0x00, 0x14][..], &[0xFF; 20][..]]
                .concat()
                .into_iter()
                .collect::<Vec<u8>>(),
        ),
        // Keep-alives.
        Bytes::from_static(b"\x00\x00\x00\x00"),
        // Answers that match nothing: unknown STANs, a reversal answer, no STAN at all.
        stray(Mti::FINANCIAL_RESPONSE, "999999"),
        stray(Mti::AUTHORIZATION_RESPONSE, "000001"),
        stray(Mti::REVERSAL_RESPONSE, "000001"),
        frame(&no_stan),
        // The host's own requests: an echo test (answered by the channel) and a sale.
        frame(&host_echo),
        frame(&host_sale),
    ];
    let h = host(
        Arc::new(move |conn| {
            if conn == 0 {
                greeting.clone()
            } else {
                Vec::new()
            }
        }),
        approve_all(),
    )
    .await;
    let kinds = Arc::new(Mutex::new(Vec::new()));
    let k2 = Arc::clone(&kinds);
    let ch = start(
        &h,
        config().on_unsolicited(move |u| {
            k2.lock().expect("lock").push(match u {
                Unsolicited::Late(_) => "late",
                Unsolicited::Unmatched(_) => "unmatched",
                Unsolicited::Request(_) => "request",
                _ => "other",
            });
        }),
    )
    .await;
    wait_until("every greeting frame is read", || {
        let st = ch.stats();
        st.malformed == 4 && st.unmatched == 4 && st.received == 10
    })
    .await;
    wait_until("the host's echo is answered", || {
        h.seen()
            .iter()
            .any(|m| m.mti() == Mti::NETWORK_RESPONSE && de(m, 11) == "424242")
    })
    .await;
    assert_eq!(
        *kinds.lock().expect("lock"),
        [
            "unmatched",
            "unmatched",
            "unmatched",
            "unmatched",
            "request"
        ]
    );
    let r = ch
        .send(&sale(1), Duration::from_secs(5))
        .await
        .expect("answered after the noise");
    assert_eq!((de(&r, 11).as_str(), de(&r, 39).as_str()), ("000001", "00"));
    let st = ch.stats();
    assert!(st.connected);
    assert_eq!((st.reconnects, st.in_flight, st.late), (0, 0, 0));
    assert_eq!(h.connections.load(Ordering::SeqCst), 1);
}

/// A journal that refuses every reversal, as a full disk would.
#[derive(Debug, Default)]
struct RefusingJournal {
    inserts: AtomicUsize,
}

impl Journal for RefusingJournal {
    fn insert(&self, _: &NewReversal) -> Result<i64, JournalError> {
        self.inserts.fetch_add(1, Ordering::SeqCst);
        Err(JournalError::Storage {
            path: String::from("refusing"),
            message: String::from("database or disk is full"),
        })
    }
    fn due(&self, _: i64, _: usize) -> Result<Vec<StoredReversal>, JournalError> {
        Err(JournalError::Storage {
            path: String::from("refusing"),
            message: String::from("database or disk is full"),
        })
    }
    fn list(&self) -> Result<Vec<StoredReversal>, JournalError> {
        Ok(Vec::new())
    }
    fn record_attempt(&self, id: i64, _: u32, _: i64) -> Result<(), JournalError> {
        Err(JournalError::NotFound(id))
    }
    fn accept(&self, id: i64) -> Result<(), JournalError> {
        Err(JournalError::NotFound(id))
    }
    fn park(&self, id: i64, _: ParkReason) -> Result<(), JournalError> {
        Err(JournalError::NotFound(id))
    }
}

/// Answers only requests whose STAN is 100 or more.
fn answer_from_100() -> Script {
    Arc::new(|_, reqs: &[Message]| {
        let r = reqs.last().expect("one");
        if stan(r) >= 100 {
            vec![Step::Write(frame(&answer(r, "00")))]
        } else {
            Vec::new()
        }
    })
}

#[tokio::test]
async fn a_journal_that_refuses_the_reversal_is_reported_without_card_data() {
    let h = host(no_greeting(), answer_from_100()).await;
    let journal = Arc::new(RefusingJournal::default());
    let events = Arc::new(Mutex::new(Vec::new()));
    let e2 = Arc::clone(&events);
    let ch = start(
        &h,
        config()
            .on_reversal(move |e| e2.lock().expect("lock").push(e))
            .reversal(ReversalConfig::new(journal.clone())),
    )
    .await;
    let e = ch
        .send(&sale(1), Duration::from_millis(200))
        .await
        .expect_err("times out");
    assert_eq!(e.failure(), Some(Failure::NoResponse));
    let ReversalStatus::Failed(ReversalFailure::Journal(JournalError::Storage { message, .. })) =
        e.reversal()
    else {
        panic!("a journal failure, got {:?}", e.reversal());
    };
    assert_eq!(message, "database or disk is full");
    assert_eq!(journal.inserts.load(Ordering::SeqCst), 1);
    assert_no_card_data("Display", &e.to_string());
    assert_no_card_data("Debug", &format!("{e:?}"));
    assert_no_card_data("Debug of the reversal", &format!("{:?}", e.reversal()));
    assert_no_card_data("the channel", &format!("{ch:?}"));
    let st = ch.stats();
    assert_eq!((st.reversals_queued, st.timeouts, st.in_flight), (0, 1, 0));
    assert!(events.lock().expect("lock").is_empty(), "nothing queued");
    // The channel goes on working.
    let r = ch
        .send(&sale(100), Duration::from_secs(5))
        .await
        .expect("answered");
    assert_eq!(de(&r, 39), "00");
}

/// A journal whose insert panics.
#[derive(Debug, Default)]
struct PanickingJournal;

impl Journal for PanickingJournal {
    fn insert(&self, _: &NewReversal) -> Result<i64, JournalError> {
        panic!("the journal blew up");
    }
    fn due(&self, _: i64, _: usize) -> Result<Vec<StoredReversal>, JournalError> {
        Ok(Vec::new())
    }
    fn list(&self) -> Result<Vec<StoredReversal>, JournalError> {
        Ok(Vec::new())
    }
    fn record_attempt(&self, id: i64, _: u32, _: i64) -> Result<(), JournalError> {
        Err(JournalError::NotFound(id))
    }
    fn accept(&self, id: i64) -> Result<(), JournalError> {
        Err(JournalError::NotFound(id))
    }
    fn park(&self, id: i64, _: ParkReason) -> Result<(), JournalError> {
        Err(JournalError::NotFound(id))
    }
}

#[tokio::test]
async fn a_journal_that_panics_is_a_failed_reversal_not_a_crash() {
    let h = host(no_greeting(), answer_from_100()).await;
    let ch = start(
        &h,
        config().reversal(ReversalConfig::new(Arc::new(PanickingJournal))),
    )
    .await;
    let e = ch
        .send(&sale(2), Duration::from_millis(200))
        .await
        .expect_err("times out");
    assert_eq!(e.failure(), Some(Failure::NoResponse));
    assert!(
        matches!(
            e.reversal(),
            ReversalStatus::Failed(ReversalFailure::Journal(_))
        ),
        "{:?}",
        e.reversal()
    );
    assert_no_card_data("the error", &format!("{e} {e:?}"));
    let r = ch
        .send(&sale(101), Duration::from_secs(5))
        .await
        .expect("the channel survives");
    assert_eq!(de(&r, 11), "000101");
    assert_eq!(ch.stats().in_flight, 0);
}

#[tokio::test]
async fn a_length_header_of_65535_against_a_maximum_of_1000_drops_the_link_and_it_comes_back() {
    // On the first connection, two requests get a length header claiming 65,535 bytes followed
    // by junk; later connections are answered properly.
    let h = host(
        no_greeting(),
        Arc::new(|conn, reqs: &[Message]| {
            if conn > 0 {
                return vec![Step::Write(frame(&answer(reqs.last().expect("one"), "00")))];
            }
            if reqs.len() < 2 {
                return Vec::new();
            }
            vec![Step::Write(Bytes::from(
                [&[0xFF, 0xFF][..], &[b'j'; 200][..]].concat(),
            ))]
        }),
    )
    .await;
    let journal = Arc::new(MemoryJournal::new());
    let events = Arc::new(Mutex::new(Vec::new()));
    let e2 = Arc::clone(&events);
    let ch = start(
        &h,
        ChannelConfig::new(spec().clone(), framer().max_len(1000))
            .keep_alive(None)
            .backoff(quick_backoff())
            .on_reversal(move |e| e2.lock().expect("lock").push(e))
            .reversal(ReversalConfig::new(journal.clone()).answer_timeout(Duration::from_secs(2))),
    )
    .await;
    let (first, second) = (sale(1), sale(2));
    let (a, b) = tokio::join!(
        ch.send(&first, Duration::from_secs(5)),
        ch.send(&second, Duration::from_secs(5))
    );
    for r in [a, b] {
        let e = r.expect_err("the link is dropped");
        assert_eq!(e.failure(), Some(Failure::ConnectionLost), "{e:?}");
        assert!(matches!(e.reversal(), ReversalStatus::Queued(_)));
    }
    assert!(
        ch.wait_connected(Duration::from_secs(5)).await,
        "reconnects"
    );
    let r = ch
        .send(&sale(3), Duration::from_secs(5))
        .await
        .expect("answered on the new connection");
    assert_eq!(de(&r, 11), "000003");
    // The rows leave the journal, then the handler hears of it: wait for both.
    wait_until("both reversals are accepted", || {
        journal.list().map(|l| l.is_empty()).unwrap_or(false)
            && events
                .lock()
                .expect("lock")
                .iter()
                .filter(|e| matches!(e, ReversalEvent::Accepted { .. }))
                .count()
                == 2
    })
    .await;
    let accepted = events
        .lock()
        .expect("lock")
        .iter()
        .filter(|e| matches!(e, ReversalEvent::Accepted { .. }))
        .count();
    assert_eq!(accepted, 2);
    let st = ch.stats();
    assert!(st.reconnects >= 1);
    assert_eq!((st.malformed, st.in_flight), (0, 0));
    assert_eq!(h.connections.load(Ordering::SeqCst), 2);
    let reversed: BTreeSet<u32> = h
        .seen()
        .iter()
        .filter(|m| m.mti() == Mti::REVERSAL_REQUEST)
        .map(stan)
        .collect();
    assert_eq!(reversed, BTreeSet::from([1, 2]));
}

#[tokio::test]
async fn two_hundred_requests_in_flight_when_the_host_closes_each_end_once_and_are_reversed() {
    let h = host(no_greeting(), silent()).await;
    let journal = Arc::new(MemoryJournal::new());
    let queued = Arc::new(Mutex::new(Vec::new()));
    let q2 = Arc::clone(&queued);
    let ch = start(
        &h,
        config()
            .backoff(no_reconnect())
            .on_reversal(move |e| {
                if let ReversalEvent::Queued { id } = e {
                    q2.lock().expect("lock").push(id);
                }
            })
            .reversal(ReversalConfig::new(journal.clone())),
    )
    .await;
    let ended = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for i in 0..200u32 {
        let (ch, ended) = (ch.clone(), Arc::clone(&ended));
        tasks.push(tokio::spawn(async move {
            let r = ch.send(&sale(1000 + i), Duration::from_secs(10)).await;
            ended.fetch_add(1, Ordering::SeqCst);
            (i, r)
        }));
    }
    wait_until("all 200 reach the host", || h.seen().len() == 200).await;
    assert_eq!(ch.stats().in_flight, 200);
    assert_eq!(ended.load(Ordering::SeqCst), 0);
    h.drop_connections();
    let mut stans = BTreeSet::new();
    for t in tasks {
        let (i, r) = t.await.expect("no task panicked");
        let e = r.expect_err("never answered");
        assert_eq!(e.failure(), Some(Failure::ConnectionLost), "request {i}");
        assert!(matches!(e.reversal(), ReversalStatus::Queued(_)));
        assert!(stans.insert(format!("{:06}", 1000 + i)));
    }
    assert_eq!(ended.load(Ordering::SeqCst), 200);
    let st = ch.stats();
    assert_eq!(
        (st.in_flight, st.sent, st.timeouts, st.reversals_queued),
        (0, 200, 0, 200)
    );
    let journalled: BTreeSet<String> = journal
        .list()
        .expect("list")
        .into_iter()
        .map(|r| r.stan)
        .collect();
    assert_eq!(journalled, stans);
    let ids: HashSet<i64> = queued.lock().expect("lock").iter().copied().collect();
    assert_eq!(ids.len(), 200, "one reversal per request");
    ch.close(Duration::from_millis(10)).await;
}

#[tokio::test]
async fn a_host_that_drops_the_link_mid_burst_has_every_request_it_saw_reversed() {
    // The host reads 50 of a burst of 200 requests, then closes; nothing is answered.
    let h = host(
        no_greeting(),
        Arc::new(|_, reqs: &[Message]| {
            if reqs.len() >= 50 {
                vec![Step::Close]
            } else {
                Vec::new()
            }
        }),
    )
    .await;
    let journal = Arc::new(MemoryJournal::new());
    let ch = start(
        &h,
        config()
            .backoff(no_reconnect())
            .reversal(ReversalConfig::new(journal.clone())),
    )
    .await;
    let mut tasks = Vec::new();
    for i in 0..200u32 {
        let ch = ch.clone();
        tasks.push(tokio::spawn(async move {
            // Spread over some 40 ms, so that some go out before the close and some after.
            tokio::time::sleep(Duration::from_micros(u64::from(i) * 200)).await;
            (i, ch.send(&sale(2000 + i), Duration::from_secs(1)).await)
        }));
    }
    let mut reversed = BTreeSet::new();
    let mut outcomes = std::collections::BTreeMap::new();
    for t in tasks {
        let (i, r) = t.await.expect("no task panicked");
        let e = r.expect_err("never answered");
        let SendErrorKind::Failed(failure) = *e.kind() else {
            panic!("request {i}: {e:?}");
        };
        *outcomes.entry(failure.as_str()).or_insert(0u32) += 1;
        match e.reversal() {
            ReversalStatus::Queued(_) => {
                assert!(failure.may_have_reached_host(), "{i}: {failure:?}");
                reversed.insert(format!("{:06}", 2000 + i));
            }
            ReversalStatus::None => assert!(!failure.may_have_reached_host(), "{i}: {failure:?}"),
            other => panic!("{i}: {other:?}"),
        }
    }
    assert_eq!(outcomes.values().sum::<u32>(), 200, "{outcomes:?}");
    assert!(
        outcomes.len() >= 2,
        "sent before and after the close: {outcomes:?}"
    );
    let journalled: BTreeSet<String> = journal
        .list()
        .expect("list")
        .into_iter()
        .map(|r| r.stan)
        .collect();
    assert_eq!(journalled, reversed, "{outcomes:?}");
    // Whatever the host read is reversed.
    let seen: BTreeSet<String> = h.seen().iter().map(|m| de(m, 11)).collect();
    assert_eq!(seen.len(), 50);
    assert!(seen.is_subset(&reversed), "{outcomes:?}");
    assert_eq!(ch.stats().in_flight, 0);
    ch.close(Duration::from_millis(10)).await;
}

#[tokio::test]
async fn an_answer_trickling_in_a_byte_at_a_time_is_matched() {
    let h = host(
        no_greeting(),
        Arc::new(|_, reqs: &[Message]| {
            let r = reqs.last().expect("one");
            // The answer and a keep-alive, one byte per write.
            let mut wire = frame(&answer(r, "00")).to_vec();
            wire.extend_from_slice(&[0, 0]);
            vec![Step::Trickle(Bytes::from(wire))]
        }),
    )
    .await;
    let ch = start(&h, config()).await;
    let r = ch
        .send(&sale(7), Duration::from_secs(5))
        .await
        .expect("answered");
    assert_eq!(de(&r, 11), "000007");
    assert_eq!(de(&r, 2), PAN);
    let st = ch.stats();
    assert_eq!((st.received, st.malformed, st.in_flight), (1, 0, 0));
}

#[tokio::test]
async fn a_send_dropped_by_its_caller_after_the_request_went_out_is_cleaned_up_and_reversed() {
    let h = host(no_greeting(), silent()).await;
    let journal = Arc::new(MemoryJournal::new());
    // The reversal's own attempt to the silent host must not count as the abandoned request
    // still in flight: it gives up after 50 ms and is not tried again within the test.
    let reversal = ReversalConfig::new(journal.clone())
        .answer_timeout(Duration::from_millis(50))
        .retry_interval(Duration::from_secs(60));
    let ch = start(&h, config().reversal(reversal)).await;
    // The caller gives up first (a `select!` on shutdown, an outer timeout, a dropped task).
    let request = sale(1);
    let outer = tokio::time::timeout(
        Duration::from_millis(100),
        ch.send(&request, Duration::from_millis(200)),
    )
    .await;
    assert!(outer.is_err(), "the outer timeout fired first");
    wait_until("the host has the request", || h.seen().len() == 1).await;
    // Well past the send's own deadline.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(ch.stats().in_flight, 0, "the pending entry is gone");
    let again = ch.send(&sale(1), Duration::from_millis(100)).await;
    assert!(
        !matches!(
            again.as_ref().map_err(|e| e.kind()),
            Err(SendErrorKind::DuplicateKey)
        ),
        "the STAN is free again"
    );
    wait_until("the request that reached the host is reversed", || {
        journal
            .list()
            .map(|l| l.iter().any(|r| r.stan == "000001"))
            .unwrap_or(false)
    })
    .await;
}
