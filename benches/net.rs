//! Round trips per second and latency percentiles of the client [`Channel`] on loopback, against
//! a bare tokio echo of the same frames: how much of the floor the channel keeps.
//!
//! `cargo bench --bench net --features net` (about 25 s); `NET_BENCH_MILLION=1` first sends
//! 1,000,000 requests through the channel at 64 in flight and prints the resident memory before,
//! during and after; `NET_BENCH_SECS=5` measures each point for 5 s instead of 2;
//! `NET_BENCH_IN_FLIGHT=64` and `NET_BENCH_ONLY=server|host|echo` run one case (for a
//! profiler). Results and how to read them: `benches/NET.md`.
//!
//! Everything runs in one process on one multi-thread tokio runtime with 2 workers
//! (`NET_BENCH_WORKERS` changes that), so the client, the host and the echo share the same two
//! cores, as a single-host test rig would.
//!
//! - **channel**: one [`Channel`] (one connection) to the crate's [`Server`], whose handler
//!   answers every 0200 with its 14 fields and DE39 `00`; N client tasks each loop `send` of the
//!   reference 0200 with their own DE41 and a fresh DE11.
//! - **channel, bench host**: the same channel against a host written here with one reader and
//!   one writer task per connection and no task per request, to tell the host's cost from the
//!   channel's.
//! - **echo**: the floor. The same 166-byte frames (2-byte binary length and the reference 0200)
//!   on one connection, with the channel's shape and none of its work: a writer task that
//!   drains its queue into one buffer before it writes, a reader task that hands each reply to
//!   the oldest waiter (no decode, no matching), and a server that echoes frames back with one
//!   reader and one writer.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    clippy::panic,
    missing_docs
)]

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use iso8583_wire::frame::{Framer, LengthHeader};
use iso8583_wire::net::client::{Channel, ChannelConfig, Endpoint};
use iso8583_wire::net::framing::{FrameCodec, Inbound};
use iso8583_wire::net::server::{response_to, Action, Request, Server, ServerConfig, Session};
use iso8583_wire::{Message, Spec};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio_util::codec::FramedRead;

/// The reference 0200 (164 bytes), as in `benches/codec.rs` and the shared vectors' README.
const REQ_0200: &[u8] = b"02007238048028C080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012TERM0001MERCHANT0000001840";

/// The fields the host copies into its 0210: all 14 of the request.
const ECHO: &[u16] = &[2, 3, 4, 7, 11, 12, 13, 22, 25, 35, 37, 41, 42, 49];

const IN_FLIGHT: [usize; 3] = [1, 64, 512];
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
const WARM_UP: Duration = Duration::from_millis(300);

fn spec() -> &'static Spec {
    Spec::builtin("iso8583-1987-ascii").expect("built-in spec")
}

fn framer() -> Framer {
    Framer::new(LengthHeader::Binary2)
}

/// Resident memory in KiB, from `/proc/self/status`.
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// What one measured point gave (zero when the point was skipped).
#[derive(Default)]
struct Point {
    rate: f64,
    p50_us: f64,
    p99_us: f64,
    errors: u64,
    /// CPU time of the process over the window, in cores (2.0 = both workers always busy).
    cores: f64,
}

/// User and system CPU time of the process so far, in seconds, from `/proc/self/stat` (clock
/// ticks, 100 a second on Linux).
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // The fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let mut fields = rest.split_whitespace();
    let utime: f64 = fields.nth(11).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    let stime: f64 = fields.next().and_then(|v| v.parse().ok()).unwrap_or(0.0);
    (utime + stime) / 100.0
}

/// Round trips per second over `window` and the percentiles of the merged latencies (ns).
fn summarise(per_task: Vec<Vec<u32>>, window: Duration, errors: u64) -> Point {
    let mut all: Vec<u32> = per_task.into_iter().flatten().collect();
    all.sort_unstable();
    let pick = |q: usize| {
        all.get(all.len() * q / 100)
            .map_or(0.0, |&ns| f64::from(ns) / 1000.0)
    };
    Point {
        rate: all.len() as f64 / window.as_secs_f64(),
        p50_us: pick(50),
        p99_us: pick(99),
        errors,
        cores: 0.0,
    }
}

/// One client task's clock and latencies: round trips that start after the warm-up and end
/// before the end of the window are kept.
struct Recorder {
    warm_end: Instant,
    end: Instant,
    lat: Vec<u32>,
    errors: u64,
}

impl Recorder {
    /// The start of the next round trip, or `None` when time is up.
    fn start(&self) -> Option<Instant> {
        let t0 = Instant::now();
        (t0 < self.end).then_some(t0)
    }

    /// Records the round trip that started at `t0`.
    fn done(&mut self, t0: Instant, ok: bool) {
        let t1 = Instant::now();
        if !ok {
            self.errors += 1;
        } else if t0 >= self.warm_end && t1 <= self.end {
            self.lat
                .push(u32::try_from((t1 - t0).as_nanos()).unwrap_or(u32::MAX));
        }
    }
}

/// Runs `n` client tasks made by `client(task, recorder)` for `WARM_UP + measure`, each looping
/// round trips until its recorder says time is up, and merges what they recorded.
async fn drive<F, Fut>(n: usize, measure: Duration, client: F) -> Point
where
    F: Fn(usize, Recorder) -> Fut,
    Fut: std::future::Future<Output = Recorder> + Send + 'static,
{
    let warm_end = Instant::now() + WARM_UP;
    let end = warm_end + measure;
    // Enough room that the measured window never reallocates: all tasks together stay below
    // 1.5 M round trips a second, and one task below 400 k (a round trip takes over 2.5 µs).
    let expect = (measure.as_secs_f64() * (1_500_000.0 / n as f64).min(400_000.0)) as usize + 64;
    let tasks: Vec<_> = (0..n)
        .map(|task| {
            tokio::spawn(client(
                task,
                Recorder {
                    warm_end,
                    end,
                    lat: Vec::with_capacity(expect),
                    errors: 0,
                },
            ))
        })
        .collect();
    tokio::time::sleep_until(warm_end.into()).await;
    let cpu0 = cpu_seconds();
    tokio::time::sleep_until(end.into()).await;
    let cpu = cpu_seconds() - cpu0;
    let mut per_task = Vec::with_capacity(n);
    let mut errors = 0;
    for t in tasks {
        let r = t.await.expect("client task");
        errors += r.errors;
        per_task.push(r.lat);
    }
    Point {
        cores: cpu / measure.as_secs_f64(),
        ..summarise(per_task, measure, errors)
    }
}

// ---------------------------------------------------------------------------------------------
// The channel side.

/// A client task's own copy of the reference 0200, with its own terminal in DE41: the matching
/// key (MTI class, DE11, DE41) is then unique among requests in flight whatever the STANs, since
/// each task has one request out at a time. Its own copy, not a clone of a shared one, so that
/// the tasks do not contend on one buffer's reference count.
fn task_request(task: usize) -> Message {
    let mut m = Message::decode(spec(), Bytes::copy_from_slice(REQ_0200)).expect("the 0200");
    let mut terminal = *b"T0000000";
    put_digits(&mut terminal[1..], task as u64);
    m.set(spec(), 41, terminal).expect("DE41 fits");
    m
}

/// Writes `value` (mod 10^len) as `dst.len()` decimal digits.
fn put_digits(dst: &mut [u8], mut value: u64) {
    for d in dst.iter_mut().rev() {
        *d = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

/// Sets the STAN of task `task`'s round trip `i` of `n` tasks: `task + i·n` (mod 10^6).
fn set_stan(m: &mut Message, task: usize, n: usize, i: u64) {
    let mut stan = [0u8; 6];
    put_digits(&mut stan, task as u64 + i * n as u64);
    m.set(spec(), 11, stan).expect("DE11 fits");
}

/// The answer both hosts give: the request's 14 fields, DE39 `00`.
fn approve(request: &Message) -> Option<Message> {
    let mut answer = response_to(request, ECHO)?;
    answer.set(spec(), 39, "00").ok()?;
    Some(answer)
}

/// The crate's [`Server`], approving everything.
async fn start_server() -> (iso8583_wire::net::server::ServerHandle, SocketAddr) {
    let config = ServerConfig::new(spec().clone(), framer()).max_in_flight(4096);
    let server = Server::bind("127.0.0.1:0", config).await.expect("bind");
    let handle = server.start(|_: &Session, request: Request| async move {
        match request.into_message().ok().as_ref().and_then(approve) {
            Some(answer) => Action::Reply(answer),
            None => Action::NoReply,
        }
    });
    let addr = handle.local_addr();
    (handle, addr)
}

/// A host with one reader and one writer task per connection: the reader decodes each request
/// and queues its encoded answer; the writer drains the queue into one buffer, writes, flushes.
async fn start_bench_host() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let _ = stream.set_nodelay(true);
            let (read, write) = stream.into_split();
            let (tx, rx) = mpsc::unbounded_channel::<Bytes>();
            tokio::spawn(drain_writer(write, rx));
            tokio::spawn(async move {
                let codec = FrameCodec::new(framer());
                let mut frames = FramedRead::with_capacity(read, codec, 64 * 1024);
                while let Some(Ok(frame)) = frames.next().await {
                    let Inbound::Message { message, .. } = frame else {
                        continue;
                    };
                    let Some(answer) = Message::decode(spec(), message)
                        .ok()
                        .as_ref()
                        .and_then(approve)
                    else {
                        continue;
                    };
                    let mut buf = BytesMut::with_capacity(256);
                    if codec.encode_message(&[], &answer, spec(), &mut buf).is_ok()
                        && tx.send(buf.freeze()).is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    addr
}

async fn start_channel(addr: SocketAddr) -> Channel {
    let config = ChannelConfig::new(spec().clone(), framer())
        .keep_alive(None)
        .max_in_flight(1024);
    let channel = Channel::start(Endpoint::tcp(addr.to_string()), config);
    assert!(
        channel.wait_connected(Duration::from_secs(5)).await,
        "the channel connects"
    );
    channel
}

async fn measure_channel(channel: &Channel, n: usize, measure: Duration) -> Point {
    drive(n, measure, |task, mut rec| {
        let channel = channel.clone();
        async move {
            let mut request = task_request(task);
            let mut i = 0;
            while let Some(t0) = rec.start() {
                set_stan(&mut request, task, n, i);
                i += 1;
                let ok = channel.send(&request, SEND_TIMEOUT).await.is_ok();
                rec.done(t0, ok);
            }
            rec
        }
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// The echo floor.

/// Writes every queued frame in one buffer per wake-up, then flushes.
async fn drain_writer(
    mut write: tokio::net::tcp::OwnedWriteHalf,
    mut rx: mpsc::UnboundedReceiver<Bytes>,
) {
    let mut buf = BytesMut::with_capacity(64 * 1024);
    while let Some(first) = rx.recv().await {
        buf.clear();
        buf.extend_from_slice(&first);
        while buf.len() < 64 * 1024 {
            match rx.try_recv() {
                Ok(next) => buf.extend_from_slice(&next),
                Err(_) => break,
            }
        }
        if write.write_all(&buf).await.is_err() || write.flush().await.is_err() {
            return;
        }
    }
}

/// Splits 2-byte-length frames off `buf`, length header included.
fn next_frame(buf: &mut BytesMut) -> Option<Bytes> {
    let len = usize::from(u16::from_be_bytes([*buf.first()?, *buf.get(1)?]));
    (buf.len() >= 2 + len).then(|| buf.split_to(2 + len).freeze())
}

/// A server that sends every frame back: one reader, one writer per connection.
async fn start_echo_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let _ = stream.set_nodelay(true);
            let (mut read, write) = stream.into_split();
            let (tx, rx) = mpsc::unbounded_channel::<Bytes>();
            tokio::spawn(drain_writer(write, rx));
            tokio::spawn(async move {
                let mut buf = BytesMut::with_capacity(64 * 1024);
                loop {
                    while let Some(frame) = next_frame(&mut buf) {
                        if tx.send(frame).is_err() {
                            return;
                        }
                    }
                    buf.reserve(16 * 1024);
                    match read.read_buf(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                }
            });
        }
    });
    addr
}

/// The echo client: requests go to one writer task with the waiter of their reply; the writer
/// hands the waiters to the reader in wire order before it writes, and the reader gives each
/// reply to the oldest waiter.
#[derive(Clone)]
struct EchoClient {
    tx: mpsc::UnboundedSender<(Bytes, oneshot::Sender<Bytes>)>,
}

impl EchoClient {
    async fn connect(addr: SocketAddr) -> Self {
        let stream = TcpStream::connect(addr).await.expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        let (mut read, mut write) = stream.into_split();
        let (tx, mut rx) = mpsc::unbounded_channel::<(Bytes, oneshot::Sender<Bytes>)>();
        let (fifo_tx, mut fifo_rx) = mpsc::unbounded_channel::<oneshot::Sender<Bytes>>();
        tokio::spawn(async move {
            let mut buf = BytesMut::with_capacity(64 * 1024);
            while let Some((frame, waiter)) = rx.recv().await {
                buf.clear();
                buf.extend_from_slice(&frame);
                let _ = fifo_tx.send(waiter);
                while buf.len() < 64 * 1024 {
                    match rx.try_recv() {
                        Ok((frame, waiter)) => {
                            buf.extend_from_slice(&frame);
                            let _ = fifo_tx.send(waiter);
                        }
                        Err(_) => break,
                    }
                }
                if write.write_all(&buf).await.is_err() || write.flush().await.is_err() {
                    return;
                }
            }
        });
        tokio::spawn(async move {
            let mut buf = BytesMut::with_capacity(64 * 1024);
            let mut waiting: VecDeque<oneshot::Sender<Bytes>> = VecDeque::new();
            loop {
                while let Some(frame) = next_frame(&mut buf) {
                    // The writer registered the waiter before the request went out.
                    while let Ok(w) = fifo_rx.try_recv() {
                        waiting.push_back(w);
                    }
                    match waiting.pop_front() {
                        Some(w) => {
                            let _ = w.send(frame);
                        }
                        None => return,
                    }
                }
                buf.reserve(16 * 1024);
                match read.read_buf(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
            }
        });
        Self { tx }
    }

    async fn round_trip(&self, frame: Bytes) -> Option<Bytes> {
        let (tx, rx) = oneshot::channel();
        self.tx.send((frame, tx)).ok()?;
        rx.await.ok()
    }
}

async fn measure_echo(client: &EchoClient, frame: &Bytes, n: usize, measure: Duration) -> Point {
    drive(n, measure, |_, mut rec| {
        let client = client.clone();
        let frame = frame.clone();
        async move {
            while let Some(t0) = rec.start() {
                let reply = client.round_trip(frame.clone()).await;
                rec.done(t0, reply.is_some_and(|r| r.len() == frame.len()));
            }
            rec
        }
    })
    .await
}

// ---------------------------------------------------------------------------------------------

/// `per_task` requests from each of `N` tasks at once through `channel`; the failures.
async fn burst(channel: &Channel, n: usize, per_task: u64, first: u64) -> u64 {
    let tasks: Vec<_> = (0..n)
        .map(|task| {
            let channel = channel.clone();
            tokio::spawn(async move {
                let mut request = task_request(task);
                let mut failed = 0u64;
                for i in first..first + per_task {
                    set_stan(&mut request, task, n, i);
                    failed += u64::from(channel.send(&request, SEND_TIMEOUT).await.is_err());
                }
                failed
            })
        })
        .collect();
    let mut failed = 0;
    for t in tasks {
        failed += t.await.expect("client task");
    }
    failed
}

/// 1,000,000 requests at 64 in flight after 64,000 to warm up, in five parts, with the
/// resident memory after each. It runs before the other points, so that no memory freed by
/// them (their latency buffers) can hide growth.
async fn million(channel: &Channel) {
    const N: usize = 64;
    const PARTS: u64 = 5;
    const PER_TASK: u64 = 1_000_000 / PARTS / N as u64;
    println!();
    println!("1,000,000 requests through the channel to the Server at {N} in flight");
    let mut failures = burst(channel, N, 1000, 0).await;
    let before = rss_kib().unwrap_or(0);
    println!("  VmRSS after 64,000 to warm up: {before} KiB");
    let started = Instant::now();
    for part in 0..PARTS {
        failures += burst(channel, N, PER_TASK, 1000 + part * PER_TASK).await;
        println!(
            "  after {:>9} requests: VmRSS {} KiB ({:.1} s)",
            (part + 1) * PER_TASK * N as u64,
            rss_kib().unwrap_or(0),
            started.elapsed().as_secs_f64()
        );
    }
    let after = rss_kib().unwrap_or(0);
    println!(
        "  change {:+} KiB; failures {failures}; {:.0} rt/s; still pending {}",
        after as i64 - before as i64,
        1_000_000.0 / started.elapsed().as_secs_f64(),
        channel.stats().in_flight
    );
}

/// The addresses of the three hosts, and the `Server`'s handle when it runs on this runtime.
struct Hosts {
    server: Option<iso8583_wire::net::server::ServerHandle>,
    server_addr: SocketAddr,
    bench_host: SocketAddr,
    echo: SocketAddr,
}

async fn start_hosts() -> Hosts {
    let (server, server_addr) = start_server().await;
    Hosts {
        server: Some(server),
        server_addr,
        bench_host: start_bench_host().await,
        echo: start_echo_server().await,
    }
}

async fn run(hosts: Option<Hosts>) {
    let secs: f64 = std::env::var("NET_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2.0);
    let measure = Duration::from_secs_f64(secs);
    println!(
        "net bench: {} tokio workers, {} ms warm-up + {:.1} s per point; VmRSS at start {} KiB",
        tokio::runtime::Handle::current().metrics().num_workers(),
        WARM_UP.as_millis(),
        secs,
        rss_kib().unwrap_or(0)
    );

    let hosts = match hosts {
        Some(h) => h,
        None => start_hosts().await,
    };
    let channel = start_channel(hosts.server_addr).await;
    let channel_bench_host = start_channel(hosts.bench_host).await;
    let echo = EchoClient::connect(hosts.echo).await;

    let mut frame = BytesMut::new();
    FrameCodec::new(framer())
        .encode_message(
            &[],
            &Message::decode(spec(), Bytes::from_static(REQ_0200)).expect("0200"),
            spec(),
            &mut frame,
        )
        .expect("frames");
    let frame = frame.freeze();
    assert_eq!(frame.len(), 166);

    if std::env::var("NET_BENCH_MILLION").is_ok_and(|v| v == "1") {
        million(&channel).await;
    }

    // For profiling one case: `NET_BENCH_IN_FLIGHT=64 NET_BENCH_ONLY=host NET_BENCH_SECS=10`.
    let in_flight: Vec<usize> = std::env::var("NET_BENCH_IN_FLIGHT")
        .map_or(IN_FLIGHT.to_vec(), |v| {
            v.split(',').filter_map(|n| n.trim().parse().ok()).collect()
        });
    let only = std::env::var("NET_BENCH_ONLY").ok();
    let runs = |case: &str| only.as_deref().is_none_or(|o| o == case);
    let mut rows = Vec::new();
    for n in in_flight {
        let skipped = Point::default;
        let c = if runs("server") {
            measure_channel(&channel, n, measure).await
        } else {
            skipped()
        };
        let b = if runs("host") {
            measure_channel(&channel_bench_host, n, measure).await
        } else {
            skipped()
        };
        let e = if runs("echo") {
            measure_echo(&echo, &frame, n, measure).await
        } else {
            skipped()
        };
        rows.push((n, c, b, e));
    }

    println!();
    println!("channel to the crate's Server; echo = bare tokio echo of the same 166-byte frames");
    println!(
        "{:>9} | {:>12} | {:>12} | {:>5} | {:>14} | {:>8} | {:>9} | {:>8} | {:>13}",
        "in flight",
        "channel rt/s",
        "echo rt/s",
        "ratio",
        "channel p50 µs",
        "p99 µs",
        "echo p50",
        "p99",
        "cores ch/echo"
    );
    for (n, c, _, e) in &rows {
        println!(
            "{n:>9} | {:>12.0} | {:>12.0} | {:>5.2} | {:>14.1} | {:>8.1} | {:>9.1} | {:>8.1} | {:>6.2}/{:<6.2}",
            c.rate,
            e.rate,
            c.rate / e.rate,
            c.p50_us,
            c.p99_us,
            e.p50_us,
            e.p99_us,
            c.cores,
            e.cores
        );
    }
    println!();
    println!(
        "the same channel to the bench's own host (one reader, one writer, no task per request)"
    );
    println!(
        "{:>9} | {:>12} | {:>5} | {:>14} | {:>8} | {:>5}",
        "in flight", "channel rt/s", "ratio", "channel p50 µs", "p99 µs", "cores"
    );
    for (n, _, b, e) in &rows {
        println!(
            "{n:>9} | {:>12.0} | {:>5.2} | {:>14.1} | {:>8.1} | {:>5.2}",
            b.rate,
            b.rate / e.rate,
            b.p50_us,
            b.p99_us,
            b.cores
        );
    }
    let errors: u64 = rows
        .iter()
        .map(|(_, c, b, e)| c.errors + b.errors + e.errors)
        .sum();
    println!();
    println!(
        "failed round trips: {errors}; VmRSS now {} KiB",
        rss_kib().unwrap_or(0)
    );

    channel.close(Duration::from_secs(1)).await;
    channel_bench_host.close(Duration::from_secs(1)).await;
    if let Some(server) = hosts.server {
        let _ = server.shutdown(Duration::from_secs(1)).await;
    }
}

fn main() {
    // `NET_BENCH_LAYOUT=split` runs the hosts on a thread of their own with a current-thread
    // runtime, and the clients on another: one core per side, no work stealing within a side.
    // The default is one multi-thread runtime shared by clients and hosts.
    if std::env::var("NET_BENCH_LAYOUT").is_ok_and(|v| v == "split") {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("host runtime");
            rt.block_on(async move {
                let mut hosts = start_hosts().await;
                // The handle stays on this thread: dropping it would stop the server.
                let server = hosts.server.take();
                tx.send(hosts).expect("hosts");
                std::future::pending::<()>().await;
                drop(server);
            });
        });
        let hosts = rx.recv().expect("hosts started");
        println!("layout: split (hosts and clients each on a current-thread runtime)");
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("client runtime")
            .block_on(run(Some(hosts)));
        return;
    }
    // `NET_BENCH_WORKERS=1` shows what the cross-core hand-offs cost.
    let workers = std::env::var("NET_BENCH_WORKERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2);
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .expect("runtime")
        // On a worker, like every other task: the main thread takes no part.
        .block_on(async { tokio::spawn(run(None)).await })
        .expect("the bench task");
}
