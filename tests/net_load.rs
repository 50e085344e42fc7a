//! 10,000 requests with 64 in flight against a host that drops, delays, closes and sends
//! garbage at random: every request ends with exactly one outcome, every due reversal reaches the
//! host and leaves the journal only after the host accepted it, and nothing is sent twice except
//! retransmissions flagged as repeats.
#![cfg(feature = "net")]
#![allow(clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use iso8583_wire::frame::{Framer, LengthHeader};
use iso8583_wire::net::client::{
    Backoff, Channel, ChannelConfig, Endpoint, Failure, ReversalConfig, ReversalEvent,
    ReversalStatus,
};
use iso8583_wire::net::framing::{FrameCodec, Inbound};
use iso8583_wire::net::journal::{Journal, SqliteJournal};
use iso8583_wire::{Message, Mti, Spec};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio_util::codec::FramedRead;

const REQUESTS: u32 = 10_000;
const IN_FLIGHT: usize = 64;

fn spec() -> &'static Spec {
    Spec::builtin("iso8583-1987-ascii").expect("builtin spec")
}

fn framer() -> Framer {
    Framer::new(LengthHeader::Binary2)
}

fn de(m: &Message, n: u16) -> String {
    m.field(spec(), n).map(|f| f.to_text()).unwrap_or_default()
}

fn sale(stan: u32) -> Message {
    let s = spec();
    let mut m = Message::new(Mti::FINANCIAL_REQUEST);
    m.set(s, 2, "4761739001010010")
        .and_then(|m| m.set(s, 3, "000000"))
        .and_then(|m| m.set(s, 4, format!("{}", 100 + stan)))
        .and_then(|m| m.set(s, 7, "1206185003"))
        .and_then(|m| m.set(s, 11, format!("{stan:06}")))
        .and_then(|m| m.set(s, 41, "LOADTERM"))
        .and_then(|m| m.set(s, 49, "840"))
        .expect("valid sale");
    m
}

fn frame(m: &Message) -> Bytes {
    let mut buf = BytesMut::new();
    FrameCodec::new(framer())
        .encode_message(&[], m, spec(), &mut buf)
        .expect("frames");
    buf.freeze()
}

/// A small deterministic generator (xorshift), so that a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Everything the host saw, by MTI and STAN.
#[derive(Default)]
struct Seen {
    sales: HashMap<String, u32>,
    first_reversals: HashMap<String, u32>,
    repeat_reversals: HashMap<String, u32>,
    /// STANs of reversals the host answered 00 to.
    accepted: HashSet<String>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_ends_once_and_every_due_reversal_is_delivered() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let seen = Arc::new(Mutex::new(Seen::default()));
    // While `faulty`, the host misbehaves at random; afterwards it answers everything.
    let faulty = Arc::new(AtomicBool::new(true));
    let seed = Arc::new(AtomicU64::new(0x9E37_79B9_7F4A_7C15));
    {
        let (seen, faulty, seed) = (Arc::clone(&seen), Arc::clone(&faulty), Arc::clone(&seed));
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (seen, faulty) = (Arc::clone(&seen), Arc::clone(&faulty));
                let mut rng = Rng(seed.fetch_add(0x1234_5678_9ABC_DEF1, Ordering::Relaxed) | 1);
                tokio::spawn(async move {
                    let (read, write) = stream.into_split();
                    let write = Arc::new(tokio::sync::Mutex::new(write));
                    let mut frames = FramedRead::new(read, FrameCodec::new(framer()));
                    while let Some(Ok(Inbound::Message { message, .. })) = frames.next().await {
                        let Ok(req) = Message::decode(spec(), message) else {
                            continue;
                        };
                        let stan = de(&req, 11);
                        {
                            let mut s = seen.lock().expect("lock");
                            let map = match req.mti().as_str() {
                                "0200" => &mut s.sales,
                                "0400" => &mut s.first_reversals,
                                "0401" => &mut s.repeat_reversals,
                                _ => continue,
                            };
                            *map.entry(stan.clone()).or_default() += 1;
                        }
                        let roll = if faulty.load(Ordering::Relaxed) {
                            rng.next() % 1000
                        } else {
                            999
                        };
                        let mut answer = req.response(&[2, 3, 4, 7, 11, 41, 49]).expect("request");
                        answer.set(spec(), 39, "00").expect("DE39");
                        let bytes = frame(&answer);
                        match roll {
                            // Close the connection with everything in flight.
                            0..=1 => return,
                            // Drop: never answer.
                            2..=21 => {}
                            // Garbage frame, then the answer.
                            22..=31 => {
                                let mut w = write.lock().await;
                                let _ = w.write_all(b"\x00\x03XYZ").await;
                                let _ = w.write_all(&bytes).await;
                                if req.mti().is_reversal() {
                                    seen.lock().expect("lock").accepted.insert(stan);
                                }
                            }
                            // Answer after the request's timeout: late.
                            32..=41 => {
                                let write = Arc::clone(&write);
                                tokio::spawn(async move {
                                    tokio::time::sleep(Duration::from_millis(400)).await;
                                    let _ = write.lock().await.write_all(&bytes).await;
                                });
                            }
                            _ => {
                                if write.lock().await.write_all(&bytes).await.is_err() {
                                    return;
                                }
                                if req.mti().is_reversal() {
                                    seen.lock().expect("lock").accepted.insert(stan);
                                }
                            }
                        }
                    }
                });
            }
        });
    }

    let path = std::env::temp_dir().join(format!("iso8583-load-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let journal = Arc::new(SqliteJournal::open(&path).expect("journal"));
    let accepted_events = Arc::new(Mutex::new(HashSet::new()));
    let events = Arc::clone(&accepted_events);
    let config = ChannelConfig::new(spec().clone(), framer())
        .keep_alive(None)
        .max_in_flight(IN_FLIGHT)
        .backoff(Backoff {
            initial: Duration::from_millis(5),
            max: Duration::from_millis(20),
        })
        .on_reversal(move |e| {
            if let ReversalEvent::Accepted { id } = e {
                assert!(
                    events.lock().expect("lock").insert(id),
                    "accepted twice: {id}"
                );
            }
        })
        .reversal(
            ReversalConfig::new(journal.clone())
                .answer_timeout(Duration::from_millis(250))
                .retry_interval(Duration::from_millis(20))
                .max_attempts(1000),
        );
    let channel = Channel::start(Endpoint::tcp(addr), config);
    assert!(channel.wait_connected(Duration::from_secs(5)).await);

    let sem = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    let mut tasks = Vec::with_capacity(REQUESTS as usize);
    for stan in 1..=REQUESTS {
        let permit = Arc::clone(&sem).acquire_owned().await.expect("semaphore");
        let channel = channel.clone();
        tasks.push(tokio::spawn(async move {
            let r = channel.send(&sale(stan), Duration::from_millis(250)).await;
            drop(permit);
            (stan, r)
        }));
    }
    let mut outcomes: HashMap<&'static str, u32> = HashMap::new();
    let mut due: HashMap<i64, String> = HashMap::new();
    let mut ended = HashSet::new();
    for t in tasks {
        let (stan, r) = tokio::time::timeout(Duration::from_secs(60), t)
            .await
            .expect("every request ends in time")
            .expect("task");
        assert!(ended.insert(stan), "request {stan} ended twice");
        let name = match &r {
            Ok(m) => {
                assert_eq!(de(m, 11), format!("{stan:06}"), "matched its own response");
                "response"
            }
            Err(e) => {
                let f = e.failure().expect("a failure, not a refusal");
                match (f.may_have_reached_host(), e.reversal()) {
                    (true, ReversalStatus::Queued(id)) => {
                        due.insert(*id, format!("{stan:06}"));
                    }
                    (false, ReversalStatus::None) => {}
                    (_, other) => panic!("{f:?} with reversal {other:?}"),
                }
                f.as_str()
            }
        };
        *outcomes.entry(name).or_default() += 1;
    }
    assert_eq!(ended.len(), REQUESTS as usize);
    assert_eq!(outcomes.values().sum::<u32>(), REQUESTS);
    // The faults did happen.
    assert!(
        outcomes.get("response").copied().unwrap_or(0) > 5_000,
        "{outcomes:?}"
    );
    assert!(
        outcomes
            .get(Failure::NoResponse.as_str())
            .copied()
            .unwrap_or(0)
            > 0,
        "{outcomes:?}"
    );
    let stats = channel.stats();
    assert!(
        stats.reconnects > 0 && stats.malformed > 0 && stats.late > 0,
        "{stats:?}"
    );

    // Now the host behaves: every due reversal must be delivered and accepted.
    faulty.store(false, Ordering::Relaxed);
    for _ in 0..600 {
        let _ = channel.forward_due().await;
        if journal.list().expect("list").is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(journal.list().expect("list").is_empty(), "reversals left");
    channel.close(Duration::from_millis(100)).await;

    let seen = seen.lock().expect("lock");
    let accepted_ids = accepted_events.lock().expect("lock");
    assert_eq!(
        accepted_ids.len(),
        due.len(),
        "each due reversal accepted exactly once"
    );
    for (id, stan) in &due {
        assert!(accepted_ids.contains(id));
        // The first transmission is the only 0400 (it may be lost on a connection that dies
        // under it); every other one is flagged as a repeat.
        let first = seen.first_reversals.get(stan).copied().unwrap_or(0);
        let repeats = seen.repeat_reversals.get(stan).copied().unwrap_or(0);
        assert!(first <= 1, "0400 of {stan} sent {first} times");
        assert!(
            first + repeats >= 1,
            "the reversal of {stan} never reached the host"
        );
        assert!(
            seen.accepted.contains(stan),
            "the host accepted the reversal of {stan}"
        );
    }
    // Nothing but repeats goes twice: every sale once, no reversal of a request never reversed.
    assert!(
        seen.sales.values().all(|&n| n == 1),
        "a sale was sent twice"
    );
    let due_stans: HashSet<&String> = due.values().collect();
    assert!(seen.first_reversals.keys().all(|s| due_stans.contains(s)));
    assert!(seen.repeat_reversals.keys().all(|s| due_stans.contains(s)));
    drop(journal);
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
    eprintln!(
        "outcomes {outcomes:?}, reversals {}, stats {stats:?}",
        due.len()
    );
}
