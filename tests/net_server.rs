//! The server and the test host on loopback, driven by a raw framed TCP client: approvals and
//! declines by rule, silence, closes, garbage, delays answered out of order, echo tests, several
//! requests in one write, undecodable messages and untrusted length headers, the session limit,
//! TPDUs swapped in frame and message headers, and graceful shutdown.
#![cfg(feature = "net")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use iso8583_wire::frame::{Frame, FrameHeader, Framer, LengthHeader};
use iso8583_wire::net::server::{
    response_to, Action, Request, Server, ServerConfig, ServerHandle, Session,
};
use iso8583_wire::net::testhost::{Exchange, RuleAction, Rules, TestHost};
use iso8583_wire::{Message, Mti, Spec};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

/// The longest any single wait of these tests may take.
const WAIT: Duration = Duration::from_secs(2);

/// A sample of the UnionPay-style POS dialect: 2-byte length, TPDU `6000080000`, then the 0200.
const CUP_SAMPLE: &str = include_str!("../specs/samples/cup-pos-tpdu-0200.hex");

fn spec() -> &'static Spec {
    Spec::builtin("iso8583-1987-ascii").unwrap()
}

fn framer() -> Framer {
    Framer::new(LengthHeader::Binary2).max_len(4096)
}

/// A running test host with `rules`, the host (a clone sharing its counts) and the exchanges
/// it recorded.
struct Host {
    handle: ServerHandle,
    host: TestHost,
    exchanges: Arc<Mutex<Vec<Exchange>>>,
}

impl Host {
    async fn start(rules: &str, config: impl FnOnce(ServerConfig) -> ServerConfig) -> Self {
        Self::start_with(rules, spec(), framer(), config).await
    }

    async fn start_with(
        rules: &str,
        spec: &Spec,
        framer: Framer,
        config: impl FnOnce(ServerConfig) -> ServerConfig,
    ) -> Self {
        let exchanges = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&exchanges);
        let host = TestHost::new(Rules::from_toml_str(rules).unwrap(), spec.clone(), framer)
            .on_exchange(move |e| seen.lock().unwrap().push(e.clone()));
        let server = Server::bind(
            "127.0.0.1:0",
            config(ServerConfig::new(spec.clone(), framer)),
        )
        .await
        .unwrap();
        let handle = server.start(host.clone());
        Self {
            handle,
            host,
            exchanges,
        }
    }

    fn addr(&self) -> SocketAddr {
        self.handle.local_addr()
    }

    fn exchanges(&self) -> Vec<Exchange> {
        self.exchanges.lock().unwrap().clone()
    }
}

/// What a read gave.
#[derive(Debug)]
enum Read {
    Frame { header: Vec<u8>, payload: Vec<u8> },
    Closed,
    Nothing,
}

/// A terminal: writes frames and reads them back with the framer, nothing more.
struct Terminal {
    stream: TcpStream,
    framer: Framer,
    buf: Vec<u8>,
}

impl Terminal {
    async fn connect(addr: SocketAddr) -> Self {
        Self::connect_with(addr, framer()).await
    }

    async fn connect_with(addr: SocketAddr, framer: Framer) -> Self {
        let stream = timeout(WAIT, TcpStream::connect(addr))
            .await
            .unwrap()
            .unwrap();
        Self {
            stream,
            framer,
            buf: Vec::new(),
        }
    }

    async fn write(&mut self, bytes: &[u8]) {
        timeout(WAIT, self.stream.write_all(bytes))
            .await
            .unwrap()
            .unwrap();
    }

    async fn send(&mut self, message: &Message) {
        self.write(&frame(message)).await;
    }

    /// The next frame, `Closed` at the end of the stream (or a reset), `Nothing` within `wait`.
    async fn read(&mut self, wait: Duration) -> Read {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match self.framer.decode(&self.buf).unwrap() {
                Frame::Complete {
                    header,
                    payload,
                    consumed,
                } => {
                    let read = Read::Frame {
                        header: header.to_vec(),
                        payload: payload.to_vec(),
                    };
                    self.buf.drain(..consumed);
                    return read;
                }
                Frame::KeepAlive { consumed } => {
                    self.buf.drain(..consumed);
                }
                Frame::Partial { .. } => {
                    let mut chunk = [0u8; 4096];
                    match tokio::time::timeout_at(deadline, self.stream.read(&mut chunk)).await {
                        Err(_) => return Read::Nothing,
                        Ok(Ok(0) | Err(_)) => return Read::Closed,
                        Ok(Ok(n)) => self.buf.extend_from_slice(&chunk[..n]),
                    }
                }
            }
        }
    }

    /// The next answer, decoded with `spec`.
    async fn answer_in(&mut self, spec: &Spec) -> (Vec<u8>, Message) {
        match self.read(WAIT).await {
            Read::Frame { header, payload } => {
                (header, Message::decode(spec, Bytes::from(payload)).unwrap())
            }
            other => panic!("expected an answer, got {other:?}"),
        }
    }

    async fn answer(&mut self) -> Message {
        self.answer_in(spec()).await.1
    }
}

/// `message` encoded with the ASCII spec in a frame of [`framer`].
fn frame(message: &Message) -> Vec<u8> {
    let mut out = Vec::new();
    framer()
        .encode(&message.to_vec(spec()).unwrap(), &mut out)
        .unwrap();
    out
}

/// A 0200 with DE2, 3, 4, 11 and 41.
fn sale(amount: &str, stan: &str, terminal: &str) -> Message {
    let mut m = Message::new(Mti::FINANCIAL_REQUEST);
    m.set(spec(), 2, "4242424242424242")
        .unwrap()
        .set(spec(), 3, "000000")
        .unwrap()
        .set(spec(), 4, amount)
        .unwrap()
        .set(spec(), 11, stan)
        .unwrap()
        .set(spec(), 41, terminal)
        .unwrap();
    m
}

fn text(m: &Message, n: u16) -> Option<String> {
    m.field(spec(), n).map(|f| f.to_text())
}

/// Waits until `cond` holds of the server's counters.
async fn until(
    handle: &ServerHandle,
    cond: impl Fn(&iso8583_wire::net::server::ServerStats) -> bool,
) {
    let deadline = Instant::now() + WAIT;
    while !cond(&handle.stats()) {
        assert!(Instant::now() < deadline, "counters: {:?}", handle.stats());
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn approves_with_00_and_an_approval_code() {
    let host = Host::start("", |c| c).await;
    let mut t = Terminal::connect(host.addr()).await;
    t.send(&sale("000000001000", "000042", "TERM0001")).await;
    let answer = t.answer().await;
    assert_eq!(answer.mti(), Mti::FINANCIAL_RESPONSE);
    assert_eq!(text(&answer, 39).as_deref(), Some("00"));
    assert_eq!(text(&answer, 38).as_deref(), Some("000042"));
    for n in [2, 3, 4, 11, 41] {
        assert!(answer.has(n), "DE{n} echoed");
    }
    let exchanges = host.exchanges();
    assert_eq!(exchanges.len(), 1);
    assert_eq!(exchanges[0].pan.as_deref(), Some("424242******4242"));
    assert_eq!(exchanges[0].amount, Some(1000));
    assert_eq!(exchanges[0].response_code.as_deref(), Some("00"));
    let stats = host.handle.shutdown(WAIT).await;
    assert_eq!((stats.frames_in, stats.replies), (1, 1));
}

#[tokio::test]
async fn declines_by_amount_with_51() {
    let rules = r#"
        [[rule]]
        mti = "0200"
        amount_min = 100000
        respond = "51"
    "#;
    let host = Host::start(rules, |c| c).await;
    let mut t = Terminal::connect(host.addr()).await;
    t.send(&sale("000000100000", "000001", "TERM0001")).await;
    let declined = t.answer().await;
    assert_eq!(text(&declined, 39).as_deref(), Some("51"));
    assert!(!declined.has(38));
    t.send(&sale("000000099999", "000002", "TERM0001")).await;
    assert_eq!(text(&t.answer().await, 39).as_deref(), Some("00"));
    let rules: Vec<_> = host.exchanges().iter().map(|e| e.rule).collect();
    assert_eq!(rules, [Some(0), None]);
}

#[tokio::test]
async fn no_answer_sends_nothing_and_keeps_the_session() {
    let rules = r#"
        [[rule]]
        terminal = "SILENT01"
        action = "no_answer"
    "#;
    let host = Host::start(rules, |c| c).await;
    let mut t = Terminal::connect(host.addr()).await;
    t.send(&sale("100", "000001", "SILENT01")).await;
    assert!(matches!(
        t.read(Duration::from_millis(300)).await,
        Read::Nothing
    ));
    t.send(&sale("100", "000002", "TERM0001")).await;
    assert_eq!(text(&t.answer().await, 11).as_deref(), Some("000002"));
    assert_eq!(host.exchanges()[0].action, RuleAction::NoAnswer);
}

#[tokio::test]
async fn close_closes_without_an_answer() {
    let rules = "[[rule]]\naction = \"close\"\n";
    let host = Host::start(rules, |c| c).await;
    let mut t = Terminal::connect(host.addr()).await;
    t.send(&sale("100", "000001", "TERM0001")).await;
    assert!(matches!(t.read(WAIT).await, Read::Closed));
    until(&host.handle, |s| s.active_sessions == 0).await;
}

#[tokio::test]
async fn malformed_writes_a_frame_that_does_not_decode() {
    let rules = "[[rule]]\naction = \"malformed\"\n";
    let host = Host::start(rules, |c| c).await;
    let mut t = Terminal::connect(host.addr()).await;
    t.send(&sale("100", "000001", "TERM0001")).await;
    match t.read(WAIT).await {
        Read::Frame { payload, .. } => {
            assert!(!payload.is_empty());
            assert!(Message::decode(spec(), Bytes::from(payload)).is_err());
        }
        other => panic!("expected a frame, got {other:?}"),
    }
}

#[tokio::test]
async fn a_delayed_answer_does_not_hold_up_the_next() {
    let rules = r#"
        [[rule]]
        terminal = "SLOW0001"
        delay_ms = 300
    "#;
    let host = Host::start(rules, |c| c).await;
    let mut t = Terminal::connect(host.addr()).await;
    let sent = Instant::now();
    t.send(&sale("100", "000001", "SLOW0001")).await;
    t.send(&sale("100", "000002", "FAST0001")).await;
    let first = t.answer().await;
    assert_eq!(text(&first, 11).as_deref(), Some("000002"));
    assert!(sent.elapsed() < Duration::from_millis(300));
    let second = t.answer().await;
    assert_eq!(text(&second, 11).as_deref(), Some("000001"));
    assert!(sent.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn answers_0800_with_0810_itself() {
    let host = Host::start("[[rule]]\naction = \"close\"\n", |c| c).await;
    let mut t = Terminal::connect(host.addr()).await;
    let mut echo = Message::new(Mti::NETWORK_REQUEST);
    echo.set(spec(), 7, "1123132500")
        .unwrap()
        .set(spec(), 11, "000777")
        .unwrap()
        .set(spec(), 70, "301")
        .unwrap();
    t.send(&echo).await;
    let answer = t.answer().await;
    assert_eq!(answer.mti(), Mti::NETWORK_RESPONSE);
    assert_eq!(text(&answer, 39).as_deref(), Some("00"));
    assert_eq!(text(&answer, 7).as_deref(), Some("1123132500"));
    assert_eq!(text(&answer, 11).as_deref(), Some("000777"));
    assert_eq!(text(&answer, 70).as_deref(), Some("301"));
    assert_eq!(host.handle.stats().echoes, 1);
    // The handler never saw it.
    assert_eq!(host.host.requests_seen(Mti::NETWORK_REQUEST), 0);
}

#[tokio::test]
async fn the_test_host_answers_0800_when_the_server_does_not() {
    let host = Host::start("", |c| c.answer_echo(false)).await;
    let mut t = Terminal::connect(host.addr()).await;
    let mut echo = Message::new(Mti::NETWORK_REQUEST);
    echo.set(spec(), 11, "000001")
        .unwrap()
        .set(spec(), 70, "301")
        .unwrap();
    t.send(&echo).await;
    let answer = t.answer().await;
    assert_eq!(answer.mti(), Mti::NETWORK_RESPONSE);
    assert_eq!(text(&answer, 39).as_deref(), Some("00"));
    assert!(!answer.has(38));
    assert_eq!(host.host.requests_seen(Mti::NETWORK_REQUEST), 1);
}

#[tokio::test]
async fn answers_two_requests_of_one_write() {
    let host = Host::start("", |c| c).await;
    let mut t = Terminal::connect(host.addr()).await;
    let mut both = frame(&sale("100", "000001", "TERM0001"));
    both.extend(frame(&sale("200", "000002", "TERM0001")));
    t.write(&both).await;
    let mut stans = vec![text(&t.answer().await, 11), text(&t.answer().await, 11)];
    stans.sort();
    assert_eq!(
        stans,
        [Some("000001".to_owned()), Some("000002".to_owned())]
    );
}

#[tokio::test]
async fn answers_reversals_with_00_and_counts_them() {
    let host = Host::start("[[rule]]\nrespond = \"51\"\n", |c| c).await;
    let mut t = Terminal::connect(host.addr()).await;
    for stan in ["000001", "000002"] {
        let mut reversal = sale("100", stan, "TERM0001");
        reversal.set_mti(Mti::REVERSAL_REQUEST);
        t.send(&reversal).await;
        let answer = t.answer().await;
        assert_eq!(answer.mti(), Mti::REVERSAL_RESPONSE);
        assert_eq!(text(&answer, 39).as_deref(), Some("00"));
    }
    assert_eq!(host.host.requests_seen(Mti::REVERSAL_REQUEST), 2);
    assert_eq!(host.host.requests_seen(Mti::FINANCIAL_REQUEST), 0);
}

#[tokio::test]
async fn an_undecodable_message_gets_a_format_error_and_the_session_stays_up() {
    let host = Host::start("", |c| c).await;
    let mut t = Terminal::connect(host.addr()).await;
    // A readable MTI, a bitmap that is not hex: answered 0210 with DE39 30.
    let mut garbage = Vec::new();
    framer()
        .encode(b"0200ZZZZZZZZZZZZZZZZjunk", &mut garbage)
        .unwrap();
    t.write(&garbage).await;
    let answer = t.answer().await;
    assert_eq!(answer.mti(), Mti::FINANCIAL_RESPONSE);
    assert_eq!(text(&answer, 39).as_deref(), Some("30"));
    // No MTI to answer: nothing comes back.
    let mut worse = Vec::new();
    framer().encode(b"\xFF\xFE\xFD", &mut worse).unwrap();
    t.write(&worse).await;
    assert!(matches!(
        t.read(Duration::from_millis(200)).await,
        Read::Nothing
    ));
    // The session is still up.
    t.send(&sale("100", "000003", "TERM0001")).await;
    assert_eq!(text(&t.answer().await, 39).as_deref(), Some("00"));
    let stats = host.handle.stats();
    assert_eq!(
        (stats.frames_in, stats.decode_errors, stats.framing_errors),
        (3, 2, 0)
    );
    let exchanges = host.exchanges();
    assert!(!exchanges[0].decoded);
    assert_eq!(exchanges[0].response_code.as_deref(), Some("30"));
}

#[tokio::test]
async fn an_oversize_length_header_closes_that_session_only() {
    let host = Host::start("", |c| c).await;
    let mut other = Terminal::connect(host.addr()).await;
    let mut t = Terminal::connect(host.addr()).await;
    t.write(&[0xFF, 0xFF, b'0', b'2']).await;
    assert!(matches!(t.read(WAIT).await, Read::Closed));
    until(&host.handle, |s| s.framing_errors == 1).await;
    other.send(&sale("100", "000001", "TERM0001")).await;
    assert_eq!(text(&other.answer().await, 39).as_deref(), Some("00"));
}

#[tokio::test]
async fn refuses_connections_above_max_sessions() {
    let host = Host::start("", |c| c.max_sessions(1)).await;
    let mut first = Terminal::connect(host.addr()).await;
    first.send(&sale("100", "000001", "TERM0001")).await;
    first.answer().await;
    let mut second = Terminal::connect(host.addr()).await;
    assert!(matches!(second.read(WAIT).await, Read::Closed));
    until(&host.handle, |s| s.rejected_sessions == 1).await;
    drop(first);
    until(&host.handle, |s| s.active_sessions == 0).await;
    let mut third = Terminal::connect(host.addr()).await;
    third.send(&sale("100", "000002", "TERM0001")).await;
    assert_eq!(text(&third.answer().await, 11).as_deref(), Some("000002"));
    assert_eq!(host.handle.stats().sessions, 2);
}

#[tokio::test]
async fn swaps_the_tpdu_of_the_message_header() {
    let cup = Spec::builtin("cup-pos-tpdu").unwrap();
    let framer = Framer::new(LengthHeader::Binary2);
    let host = Host::start_with("", cup, framer, |c| c).await;
    let mut t = Terminal::connect_with(host.addr(), framer).await;
    let wire: Vec<u8> = (0..CUP_SAMPLE.trim().len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&CUP_SAMPLE.trim()[i..i + 2], 16).unwrap())
        .collect();
    assert_eq!(&wire[2..7], [0x60, 0x00, 0x08, 0x00, 0x00]);
    t.write(&wire).await;
    let (_, answer) = t.answer_in(cup).await;
    assert_eq!(answer.header(), [0x60, 0x00, 0x00, 0x00, 0x08]);
    assert_eq!(answer.mti(), Mti::FINANCIAL_RESPONSE);
    assert_eq!(
        answer.field(cup, 39).map(|f| f.to_text()).as_deref(),
        Some("00")
    );
}

#[tokio::test]
async fn swaps_the_tpdu_of_the_frame_header() {
    let binary = Spec::builtin("iso8583-1987-binary").unwrap();
    let framer = Framer::new(LengthHeader::Binary2).header(FrameHeader::Tpdu);
    let host = Host::start_with("", binary, framer, |c| c).await;
    let mut t = Terminal::connect_with(host.addr(), framer).await;
    let mut request = Message::new(Mti::AUTHORIZATION_REQUEST);
    request
        .set(binary, 4, "500")
        .unwrap()
        .set(binary, 11, "000009")
        .unwrap();
    let mut wire = Vec::new();
    framer
        .encode_with_header(
            &[0x60, 0x00, 0x12, 0x00, 0x34],
            &request.to_vec(binary).unwrap(),
            &mut wire,
        )
        .unwrap();
    t.write(&wire).await;
    let (header, answer) = t.answer_in(binary).await;
    assert_eq!(header, [0x60, 0x00, 0x34, 0x00, 0x12]);
    assert_eq!(answer.mti(), Mti::AUTHORIZATION_RESPONSE);
    assert_eq!(
        answer.field(binary, 38).map(|f| f.to_text()).as_deref(),
        Some("000009")
    );
}

#[tokio::test]
async fn shutdown_finishes_the_answers_in_flight() {
    let host = Host::start("[[rule]]\ndelay_ms = 300\n", |c| c).await;
    let addr = host.addr();
    let mut t = Terminal::connect(addr).await;
    t.send(&sale("100", "000001", "TERM0001")).await;
    until(&host.handle, |s| s.frames_in == 1).await;
    let started = Instant::now();
    let shutdown = tokio::spawn(host.handle.shutdown(WAIT));
    assert_eq!(text(&t.answer().await, 11).as_deref(), Some("000001"));
    assert!(matches!(t.read(WAIT).await, Read::Closed));
    let stats = timeout(WAIT, shutdown).await.unwrap().unwrap();
    assert!(started.elapsed() < WAIT);
    assert_eq!((stats.replies, stats.active_sessions), (1, 0));
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "no longer listening"
    );
}

#[tokio::test]
async fn shutdown_closes_what_outlasts_the_grace_period() {
    let host = Host::start("[[rule]]\ndelay_ms = 3000\n", |c| c).await;
    let mut t = Terminal::connect(host.addr()).await;
    t.send(&sale("100", "000001", "TERM0001")).await;
    until(&host.handle, |s| s.frames_in == 1).await;
    let started = Instant::now();
    let stats = timeout(WAIT, host.handle.shutdown(Duration::from_millis(200)))
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!((stats.replies, stats.active_sessions), (0, 0));
    assert!(matches!(t.read(WAIT).await, Read::Closed));
}

#[tokio::test]
async fn runs_a_closure_handler() {
    let config = ServerConfig::new(spec().clone(), framer());
    let server = Server::bind("127.0.0.1:0", config).await.unwrap();
    let handle = server.start(|session: &Session, request: Request| {
        let id = session.id();
        async move {
            match request.message() {
                Ok(m) => {
                    let mut answer = response_to(m, &[11]).unwrap();
                    answer.set(spec(), 39, "05").unwrap();
                    answer.set(spec(), 41, format!("SESS{id:04}")).unwrap();
                    Action::ReplyAfter(Duration::from_millis(10), answer)
                }
                Err(_) => request
                    .format_error_response(spec())
                    .map_or(Action::Close, Action::Reply),
            }
        }
    });
    let mut t = Terminal::connect(handle.local_addr()).await;
    t.send(&sale("100", "000001", "TERM0001")).await;
    let answer = t.answer().await;
    assert_eq!(text(&answer, 39).as_deref(), Some("05"));
    assert_eq!(text(&answer, 41).as_deref(), Some("SESS0001"));
    let mut garbage = Vec::new();
    framer().encode(b"XXXX", &mut garbage).unwrap();
    t.write(&garbage).await;
    assert!(matches!(t.read(WAIT).await, Read::Closed));
    handle.shutdown(WAIT).await;
}
