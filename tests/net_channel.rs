//! The client channel on loopback: matching, outcomes, faults, reversals.
#![cfg(feature = "net")]
#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

#[path = "support/net.rs"]
mod support;
use support::{answer, de, frame, framer, spec};

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use iso8583_wire::net::client::{
    Channel, ChannelConfig, Endpoint, Failure, ReversalConfig, ReversalEvent, ReversalStatus,
    SendErrorKind, Unsolicited,
};
use iso8583_wire::net::framing::{FrameCodec, Inbound};
use iso8583_wire::net::journal::{Journal, MemoryJournal};
use iso8583_wire::{Message, Mti};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio_util::codec::FramedRead;

fn sale(stan: u32) -> Message {
    let s = spec();
    let mut m = Message::new(Mti::FINANCIAL_REQUEST);
    m.set(s, 2, "4242424242424242")
        .and_then(|m| m.set(s, 3, "000000"))
        .and_then(|m| m.set(s, 4, "1000"))
        .and_then(|m| m.set(s, 7, "1206185003"))
        .and_then(|m| m.set(s, 11, format!("{stan:06}")))
        .and_then(|m| m.set(s, 41, "TERM0001"))
        .and_then(|m| m.set(s, 49, "840"))
        .expect("valid sale");
    m
}

/// What the raw test host does with the requests of one connection, given all of them so far.
type Script = Arc<dyn Fn(&[Message]) -> HostStep + Send + Sync>;

enum HostStep {
    /// Write these frames (bytes as they go on the wire).
    Write(Vec<Bytes>),
    /// Close the connection.
    Close,
}

/// A loopback host driven by `script`; counts connections and collects every request.
struct Host {
    addr: String,
    seen: Arc<Mutex<Vec<Message>>>,
    connections: Arc<AtomicUsize>,
}

async fn host(script: Script) -> Host {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let connections = Arc::new(AtomicUsize::new(0));
    let (seen2, conns2) = (Arc::clone(&seen), Arc::clone(&connections));
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            conns2.fetch_add(1, Ordering::SeqCst);
            let (script, seen) = (Arc::clone(&script), Arc::clone(&seen2));
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut frames = FramedRead::new(read, FrameCodec::new(framer()));
                let mut mine = Vec::new();
                while let Some(Ok(Inbound::Message { message, .. })) = frames.next().await {
                    let Ok(m) = Message::decode(spec(), message) else {
                        continue;
                    };
                    seen.lock().expect("lock").push(m.clone());
                    mine.push(m);
                    match script(&mine) {
                        HostStep::Write(out) => {
                            for f in out {
                                if write.write_all(&f).await.is_err() {
                                    return;
                                }
                            }
                        }
                        HostStep::Close => return,
                    }
                }
            });
        }
    });
    Host {
        addr,
        seen,
        connections,
    }
}

/// Answers every request at once with `00`.
fn approve_all() -> Script {
    Arc::new(|reqs: &[Message]| match reqs.last() {
        Some(r) => HostStep::Write(vec![frame(&answer(r, "00"))]),
        None => HostStep::Write(vec![]),
    })
}

fn config() -> ChannelConfig {
    ChannelConfig::new(spec().clone(), framer()).keep_alive(None)
}

async fn start(host: &Host, config: ChannelConfig) -> Channel {
    let ch = Channel::start(Endpoint::tcp(host.addr.clone()), config);
    assert!(ch.wait_connected(Duration::from_secs(5)).await, "connects");
    ch
}

#[tokio::test]
async fn round_trips_a_sale() {
    let h = host(approve_all()).await;
    let ch = start(&h, config()).await;
    let r = ch
        .send(&sale(1), Duration::from_secs(5))
        .await
        .expect("answered");
    assert_eq!(r.mti().as_str(), "0210");
    assert_eq!(de(&r, 39), "00");
    assert_eq!(de(&r, 11), "000001");
    let st = ch.stats();
    assert_eq!((st.sent, st.received, st.in_flight), (1, 1, 0));
}

#[tokio::test]
async fn matches_responses_in_reverse_order() {
    // Holds requests until 8 are in, then answers them last first, each with its own code.
    let h = host(Arc::new(|reqs: &[Message]| {
        if reqs.len() < 8 {
            return HostStep::Write(vec![]);
        }
        let out = reqs
            .iter()
            .rev()
            .map(|r| frame(&answer(r, &de(r, 11)[4..])))
            .collect();
        HostStep::Write(out)
    }))
    .await;
    let ch = start(&h, config()).await;
    let mut tasks = Vec::new();
    for i in 0..8u32 {
        let ch = ch.clone();
        tasks.push(tokio::spawn(async move {
            let r = ch.send(&sale(10 + i), Duration::from_secs(5)).await;
            (i, r)
        }));
    }
    for t in tasks {
        let (i, r) = t.await.expect("task");
        let r = r.expect("answered");
        assert_eq!(de(&r, 11), format!("{:06}", 10 + i));
        assert_eq!(de(&r, 39), format!("{:02}", 10 + i));
    }
}

#[tokio::test]
async fn reversal_reusing_the_stan_never_takes_the_sale_answer() {
    // The host answers a sale with a 0410 carrying the same STAN: it must not match the sale.
    let h = host(Arc::new(|reqs: &[Message]| {
        let r = reqs.last().expect("one");
        let mut wrong = answer(r, "00");
        wrong.set_mti(Mti::REVERSAL_RESPONSE);
        HostStep::Write(vec![frame(&wrong)])
    }))
    .await;
    let unmatched = Arc::new(AtomicUsize::new(0));
    let u2 = Arc::clone(&unmatched);
    let ch = start(
        &h,
        config().on_unsolicited(move |m| {
            if matches!(m, Unsolicited::Unmatched(_)) {
                u2.fetch_add(1, Ordering::SeqCst);
            }
        }),
    )
    .await;
    let e = ch
        .send(&sale(5), Duration::from_millis(300))
        .await
        .expect_err("no matching answer");
    assert_eq!(e.failure(), Some(Failure::NoResponse));
    assert_eq!(unmatched.load(Ordering::SeqCst), 1);
    assert_eq!(ch.stats().unmatched, 1);
}

#[tokio::test]
async fn refuses_a_duplicate_pending_key_and_keeps_the_first() {
    let h = host(Arc::new(|reqs: &[Message]| {
        if reqs.len() == 1 {
            // Answer the first only after a while.
            let a = frame(&answer(&reqs[0], "00"));
            std::thread::sleep(Duration::from_millis(200));
            HostStep::Write(vec![a])
        } else {
            HostStep::Write(vec![])
        }
    }))
    .await;
    let ch = start(&h, config()).await;
    let first = {
        let ch = ch.clone();
        tokio::spawn(async move { ch.send(&sale(7), Duration::from_secs(5)).await })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    let second = ch.send(&sale(7), Duration::from_secs(5)).await;
    assert!(matches!(
        second.as_ref().map_err(|e| e.kind()),
        Err(SendErrorKind::DuplicateKey)
    ));
    let first = first.await.expect("task").expect("first still answered");
    assert_eq!(de(&first, 39), "00");
    assert_eq!(
        h.seen.lock().expect("lock").len(),
        1,
        "the duplicate never went out"
    );
}

#[tokio::test]
async fn late_and_duplicate_responses_go_to_the_handler_and_the_reversal_is_still_sent() {
    let late_answer: Arc<Mutex<Option<Bytes>>> = Arc::new(Mutex::new(None));
    let la = Arc::clone(&late_answer);
    let h = host(Arc::new(move |reqs: &[Message]| {
        let r = reqs.last().expect("one");
        if r.mti() == Mti::FINANCIAL_REQUEST {
            // Hold the sale's answer; send it (twice) when the reversal arrives.
            *la.lock().expect("lock") = Some(frame(&answer(r, "00")));
            HostStep::Write(vec![])
        } else {
            let sale_answer = la.lock().expect("lock").take();
            let mut out: Vec<Bytes> = sale_answer
                .into_iter()
                .flat_map(|a| [a.clone(), a])
                .collect();
            out.push(frame(&answer(r, "00")));
            HostStep::Write(out)
        }
    }))
    .await;
    let kinds = Arc::new(Mutex::new(Vec::new()));
    let k2 = Arc::clone(&kinds);
    let events = Arc::new(Mutex::new(Vec::new()));
    let e2 = Arc::clone(&events);
    let journal = Arc::new(MemoryJournal::new());
    let ch = start(
        &h,
        config()
            .on_unsolicited(move |m| {
                k2.lock().expect("lock").push(match m {
                    Unsolicited::Late(_) => "late",
                    Unsolicited::Unmatched(_) => "unmatched",
                    _ => "request",
                })
            })
            .on_reversal(move |e| e2.lock().expect("lock").push(e))
            .reversal(ReversalConfig::new(journal.clone()).answer_timeout(Duration::from_secs(2))),
    )
    .await;
    let e = ch
        .send(&sale(21), Duration::from_millis(200))
        .await
        .expect_err("times out");
    assert_eq!(e.failure(), Some(Failure::NoResponse));
    let ReversalStatus::Queued(id) = e.reversal() else {
        panic!("reversal queued, got {:?}", e.reversal());
    };
    let id = *id;
    // The row leaves the journal, then the handler hears of it: wait for both.
    wait_until(|| {
        journal.list().map(|l| l.is_empty()).unwrap_or(false)
            && events.lock().expect("lock").len() == 3
    })
    .await;
    let kinds = kinds.lock().expect("lock").clone();
    assert_eq!(
        kinds,
        ["late", "unmatched"],
        "first copy late, the second matches nothing"
    );
    let events = events.lock().expect("lock").clone();
    assert_eq!(
        events,
        [
            ReversalEvent::Queued { id },
            ReversalEvent::Sent { id, attempt: 1 },
            ReversalEvent::Accepted { id }
        ]
    );
    let seen = h.seen.lock().expect("lock");
    let rev = seen
        .iter()
        .find(|m| m.mti() == Mti::REVERSAL_REQUEST)
        .expect("reversal sent");
    assert_eq!(de(rev, 11), "000021");
    assert_eq!(de(rev, 2), "4242424242424242");
    assert_eq!(de(rev, 39), "68");
    assert_eq!(&de(rev, 90)[..10], "0200000021");
}

#[tokio::test]
async fn connection_lost_mid_flight_fails_every_pending_request_and_reverses_them() {
    // Takes 5 requests, then closes without answering.
    let h = host(Arc::new(|reqs: &[Message]| {
        if reqs.len() < 5 {
            HostStep::Write(vec![])
        } else {
            HostStep::Close
        }
    }))
    .await;
    let journal = Arc::new(MemoryJournal::new());
    let ch = start(&h, config().reversal(ReversalConfig::new(journal.clone()))).await;
    let mut tasks = Vec::new();
    for i in 0..5u32 {
        let ch = ch.clone();
        tasks.push(tokio::spawn(async move {
            ch.send(&sale(100 + i), Duration::from_secs(5)).await
        }));
    }
    for t in tasks {
        let e = t.await.expect("task").expect_err("no answer");
        assert_eq!(e.failure(), Some(Failure::ConnectionLost));
        assert!(matches!(e.reversal(), ReversalStatus::Queued(_)));
    }
    ch.close(Duration::from_millis(10)).await;
    let list = journal.list().expect("list");
    let mut stans: Vec<String> = list.iter().map(|r| r.stan.clone()).collect();
    stans.sort();
    assert_eq!(stans, ["000100", "000101", "000102", "000103", "000104"]);
}

#[tokio::test]
async fn refused_connection_is_connection_failed_without_reversal() {
    // A port nobody listens on: bind, read the port, drop the listener.
    let addr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").to_string()
    };
    let journal = Arc::new(MemoryJournal::new());
    let ch = Channel::start(
        Endpoint::tcp(addr),
        config().reversal(ReversalConfig::new(journal.clone())),
    );
    assert!(!ch.wait_connected(Duration::from_millis(200)).await);
    let e = ch
        .send(&sale(1), Duration::from_millis(200))
        .await
        .expect_err("no host");
    assert_eq!(e.failure(), Some(Failure::ConnectionFailed));
    assert!(matches!(e.reversal(), ReversalStatus::None));
    assert!(journal.list().expect("list").is_empty());
    assert!(ch.stats().connect_failures >= 1);
}

#[tokio::test]
async fn garbage_frame_is_counted_and_the_connection_stays_up() {
    let h = host(Arc::new(|reqs: &[Message]| {
        let r = reqs.last().expect("one");
        // A frame of junk, then the real answer.
        HostStep::Write(vec![
            Bytes::from_static(b"\x00\x05ZZZZZ"),
            frame(&answer(r, "00")),
        ])
    }))
    .await;
    let ch = start(&h, config()).await;
    let r = ch
        .send(&sale(3), Duration::from_secs(5))
        .await
        .expect("answered");
    assert_eq!(de(&r, 39), "00");
    let r = ch
        .send(&sale(4), Duration::from_secs(5))
        .await
        .expect("answered again");
    assert_eq!(de(&r, 11), "000004");
    assert_eq!(ch.stats().malformed, 2);
    assert_eq!(h.connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn oversize_length_header_closes_the_connection_and_it_reconnects() {
    let h = host(Arc::new(|reqs: &[Message]| {
        if reqs.len() == 1 {
            // Claims 65,000 bytes against a maximum of 4,096.
            HostStep::Write(vec![Bytes::from_static(b"\xFD\xE8")])
        } else {
            HostStep::Write(vec![frame(&answer(reqs.last().expect("one"), "00"))])
        }
    }))
    .await;
    let ch = start(
        &h,
        ChannelConfig::new(spec().clone(), framer().max_len(4096))
            .keep_alive(None)
            .backoff(iso8583_wire::net::client::Backoff {
                initial: Duration::from_millis(10),
                max: Duration::from_millis(50),
            }),
    )
    .await;
    let e = ch
        .send(&sale(1), Duration::from_secs(5))
        .await
        .expect_err("dropped");
    assert_eq!(e.failure(), Some(Failure::ConnectionLost));
    assert!(ch.wait_connected(Duration::from_secs(5)).await);
    wait_until(|| h.connections.load(Ordering::SeqCst) == 2).await;
    // The new connection's script starts afresh: its first request gets the bad header too.
    let _ = ch.send(&sale(2), Duration::from_secs(5)).await;
    assert!(ch.stats().reconnects >= 1);
}

#[tokio::test]
async fn slow_host_applies_backpressure_through_the_in_flight_cap() {
    let h = host(Arc::new(|reqs: &[Message]| {
        std::thread::sleep(Duration::from_millis(20));
        HostStep::Write(vec![frame(&answer(reqs.last().expect("one"), "00"))])
    }))
    .await;
    let ch = start(&h, config().max_in_flight(2)).await;
    let max_seen = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for i in 0..10u32 {
        let ch = ch.clone();
        let max_seen = Arc::clone(&max_seen);
        tasks.push(tokio::spawn(async move {
            let r = ch.send(&sale(200 + i), Duration::from_secs(10)).await;
            max_seen.fetch_max(ch.stats().in_flight as usize, Ordering::SeqCst);
            r
        }));
    }
    for t in tasks {
        t.await.expect("task").expect("every one answered");
    }
    assert!(max_seen.load(Ordering::SeqCst) <= 2);
}

#[tokio::test]
async fn answers_the_hosts_echo_test() {
    // On the first request, the host sends its own 0800 and then the answer.
    let h = host(Arc::new(|reqs: &[Message]| {
        let r = reqs.last().expect("one");
        if r.mti() == Mti::NETWORK_RESPONSE {
            return HostStep::Write(vec![]);
        }
        let s = spec();
        let mut echo = Message::new(Mti::NETWORK_REQUEST);
        echo.set(s, 7, "1206185003")
            .and_then(|m| m.set(s, 11, "777777"))
            .and_then(|m| m.set(s, 70, "301"))
            .expect("echo");
        HostStep::Write(vec![frame(&echo), frame(&answer(r, "00"))])
    }))
    .await;
    let ch = start(&h, config()).await;
    ch.send(&sale(9), Duration::from_secs(5))
        .await
        .expect("answered");
    wait_until(|| {
        h.seen
            .lock()
            .expect("lock")
            .iter()
            .any(|m| m.mti() == Mti::NETWORK_RESPONSE && de(m, 11) == "777777" && de(m, 39) == "00")
    })
    .await;
}

#[tokio::test]
async fn sends_keep_alive_echo_tests_when_idle() {
    let h = host(approve_all()).await;
    let ch = start(&h, config().keep_alive(Some(Duration::from_millis(100)))).await;
    wait_until(|| {
        h.seen
            .lock()
            .expect("lock")
            .iter()
            .any(|m| m.mti() == Mti::NETWORK_REQUEST && de(m, 70) == "301")
    })
    .await;
    assert!(ch.is_connected());
}

#[tokio::test]
async fn signs_on_at_every_connect() {
    let h = host(approve_all()).await;
    let _ch = start(&h, config().sign_on(true)).await;
    let seen = h.seen.lock().expect("lock");
    assert_eq!(
        seen.first().map(|m| (m.mti(), de(m, 70))),
        Some((Mti::NETWORK_REQUEST, "001".into()))
    );
}

#[tokio::test]
async fn resumes_due_reversals_from_the_journal_on_start() {
    let journal = Arc::new(MemoryJournal::new());
    // A first channel against a host that never answers queues a reversal, then goes away.
    {
        let silent = host(Arc::new(|_: &[Message]| HostStep::Write(vec![]))).await;
        let ch = start(
            &silent,
            config().reversal(
                ReversalConfig::new(journal.clone())
                    .answer_timeout(Duration::from_millis(100))
                    .retry_interval(Duration::from_millis(50)),
            ),
        )
        .await;
        let e = ch
            .send(&sale(42), Duration::from_millis(100))
            .await
            .expect_err("silent");
        assert!(matches!(e.reversal(), ReversalStatus::Queued(_)));
        ch.close(Duration::from_millis(10)).await;
    }
    assert_eq!(journal.list().expect("list").len(), 1);
    let h = host(approve_all()).await;
    let _ch = start(&h, config().reversal(ReversalConfig::new(journal.clone()))).await;
    wait_until(|| journal.list().map(|l| l.is_empty()).unwrap_or(false)).await;
    let seen = h.seen.lock().expect("lock");
    assert!(seen
        .iter()
        .any(|m| m.mti().is_reversal() && de(m, 11) == "000042"));
}

async fn wait_until(cond: impl Fn() -> bool) {
    for _ in 0..500 {
        if cond() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("condition not met within 5 s");
}

#[tokio::test]
async fn pool_fails_over_to_the_secondary_and_back() {
    use iso8583_wire::net::pool::{Pool, Strategy};
    // The primary is a port nobody listens on.
    let primary_addr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").to_string()
    };
    let secondary = host(approve_all()).await;
    let cfg = config().backoff(iso8583_wire::net::client::Backoff {
        initial: Duration::from_millis(10),
        max: Duration::from_millis(20),
    });
    let pool = Pool::start(
        [
            Endpoint::tcp(primary_addr.clone()),
            Endpoint::tcp(secondary.addr.clone()),
        ],
        &cfg,
        Strategy::Failover,
    );
    wait_until(|| pool.channels()[1].is_connected()).await;
    assert!(pool.is_up() && pool.is_degraded());
    for i in 0..3 {
        pool.send(&sale(300 + i), Duration::from_secs(5))
            .await
            .expect("secondary answers");
    }
    assert_eq!(secondary.seen.lock().expect("lock").len(), 3);

    // The primary comes up: requests go to it again.
    let listener = TcpListener::bind(&primary_addr)
        .await
        .expect("rebind the primary");
    let primary_seen = Arc::new(AtomicUsize::new(0));
    let ps = Arc::clone(&primary_seen);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let ps = Arc::clone(&ps);
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut frames = FramedRead::new(read, FrameCodec::new(framer()));
                while let Some(Ok(Inbound::Message { message, .. })) = frames.next().await {
                    let m = Message::decode(spec(), message).expect("decodes");
                    ps.fetch_add(1, Ordering::SeqCst);
                    let _ = write.write_all(&frame(&answer(&m, "00"))).await;
                }
            });
        }
    });
    wait_until(|| pool.channels()[0].is_connected()).await;
    pool.send(&sale(310), Duration::from_secs(5))
        .await
        .expect("primary answers");
    assert_eq!(primary_seen.load(Ordering::SeqCst), 1);
    assert_eq!(secondary.seen.lock().expect("lock").len(), 3);
    pool.close(Duration::from_millis(10)).await;
}

#[tokio::test]
async fn pool_round_robin_spreads_requests_over_connected_endpoints() {
    use iso8583_wire::net::pool::{Pool, Strategy};
    let a = host(approve_all()).await;
    let b = host(approve_all()).await;
    let pool = Pool::start(
        [Endpoint::tcp(a.addr.clone()), Endpoint::tcp(b.addr.clone())],
        &config(),
        Strategy::RoundRobin,
    );
    wait_until(|| pool.channels().iter().all(Channel::is_connected)).await;
    for i in 0..10 {
        pool.send(&sale(400 + i), Duration::from_secs(5))
            .await
            .expect("answered");
    }
    assert_eq!(a.seen.lock().expect("lock").len(), 5);
    assert_eq!(b.seen.lock().expect("lock").len(), 5);
}

#[tokio::test]
async fn matches_responses_in_random_order() {
    // Holds 16 requests, then answers them in a shuffled order (a fixed xorshift seed, so a
    // failure replays), each with the last two digits of its STAN as DE39.
    let h = host(Arc::new(|reqs: &[Message]| {
        if reqs.len() < 16 {
            return HostStep::Write(vec![]);
        }
        let mut order: Vec<usize> = (0..reqs.len()).collect();
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for i in (1..order.len()).rev() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            order.swap(i, (x % (i as u64 + 1)) as usize);
        }
        assert_ne!(order, (0..reqs.len()).collect::<Vec<_>>(), "shuffled");
        let out = order
            .iter()
            .map(|&i| frame(&answer(&reqs[i], &de(&reqs[i], 11)[4..])))
            .collect();
        HostStep::Write(out)
    }))
    .await;
    let ch = start(&h, config()).await;
    let mut tasks = Vec::new();
    for i in 0..16u32 {
        let ch = ch.clone();
        tasks.push(tokio::spawn(async move {
            (i, ch.send(&sale(40 + i), Duration::from_secs(5)).await)
        }));
    }
    for t in tasks {
        let (i, r) = t.await.expect("task");
        let r = r.expect("answered");
        assert_eq!(de(&r, 11), format!("{:06}", 40 + i));
        assert_eq!(de(&r, 39), format!("{:02}", 40 + i));
    }
    assert_eq!(ch.stats().unmatched, 0);
}
