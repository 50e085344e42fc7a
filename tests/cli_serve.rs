//! `iso8583 serve` as a built binary: it prints the address it listens on, answers by a rules
//! file, prints one masked JSON line per exchange, and exits 0 on SIGTERM.
#![cfg(feature = "cli")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use iso8583_wire::frame::{Frame, Framer, LengthHeader};
use iso8583_wire::{Message, MessageView, Mti, Spec};

/// The longest any single wait of this test may take.
const WAIT: Duration = Duration::from_secs(3);

/// The server process, killed when dropped unless it has exited.
struct Served {
    child: Child,
}

impl Drop for Served {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

impl Served {
    /// Waits for the process to exit, within [`WAIT`].
    fn wait(&mut self) -> ExitStatus {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "serve did not exit");
            thread::sleep(Duration::from_millis(10));
        }
    }
}

/// A rules file under the temporary directory, removed when dropped.
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn spec() -> &'static Spec {
    Spec::builtin("iso8583-1987-ascii").unwrap()
}

fn sale(amount: &str, stan: &str) -> Message {
    let mut m = Message::new(Mti::FINANCIAL_REQUEST);
    m.set(spec(), 2, "4242424242424242")
        .unwrap()
        .set(spec(), 3, "000000")
        .unwrap()
        .set(spec(), 4, amount)
        .unwrap()
        .set(spec(), 11, stan)
        .unwrap()
        .set(spec(), 41, "TERM0001")
        .unwrap();
    m
}

/// Sends `request` and returns DE39 of the answer.
fn exchange(stream: &mut TcpStream, request: &Message) -> String {
    let framer = Framer::new(LengthHeader::Binary2);
    let mut out = Vec::new();
    framer
        .encode(&request.to_vec(spec()).unwrap(), &mut out)
        .unwrap();
    stream.write_all(&out).unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    loop {
        if let Frame::Complete { payload, .. } = framer.decode(&buf).unwrap() {
            let view = MessageView::decode(spec(), payload).unwrap();
            return view.field(39).unwrap().to_text();
        }
        let n = stream.read(&mut chunk).unwrap();
        assert!(n > 0, "connection closed before the answer");
        buf.extend_from_slice(&chunk[..n]);
    }
}

#[test]
fn serves_by_rules_prints_masked_lines_and_stops_on_sigterm() {
    let rules = TempFile(
        std::env::temp_dir().join(format!("iso8583-cli-serve-{}.toml", std::process::id())),
    );
    std::fs::write(
        &rules.0,
        "[[rule]]\nmti = \"0200\"\namount_min = 100000\nrespond = \"51\"\n",
    )
    .unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_iso8583"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--spec",
            "iso8583-1987-ascii",
        ])
        .args(["--frame", "binary2", "--rules"])
        .arg(&rules.0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut served = Served { child };

    // Standard error: the address, then the summary at exit.
    let (err_tx, err_rx) = mpsc::channel();
    let stderr = served.child.stderr.take().unwrap();
    thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = err_tx.send(line);
        }
    });
    let (out_tx, out_rx) = mpsc::channel();
    let stdout = served.child.stdout.take().unwrap();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = out_tx.send(line);
        }
    });
    let listening = err_rx.recv_timeout(WAIT).expect("the address on stderr");
    let addr = listening
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected stderr line {listening:?}"))
        .to_owned();
    assert!(!addr.ends_with(":0"), "the real port: {addr}");

    let mut stream = TcpStream::connect(&addr).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    assert_eq!(exchange(&mut stream, &sale("000000001000", "000001")), "00");
    assert_eq!(exchange(&mut stream, &sale("000000250000", "000002")), "51");

    let lines: Vec<serde_json::Value> = (0..2)
        .map(|_| serde_json::from_str(&out_rx.recv_timeout(WAIT).unwrap()).unwrap())
        .collect();
    assert_eq!(
        lines[0],
        serde_json::json!({
            "mti": "0200", "stan": "000001", "terminal": "TERM0001", "pan": "424242******4242",
            "amount": 1000, "rule": null, "action": "respond", "response_code": "00",
            "response_mti": "0210"
        })
    );
    assert_eq!(lines[1]["rule"], 0);
    assert_eq!(lines[1]["response_code"], "51");
    assert_eq!(lines[1]["amount"], 250_000);
    for line in &lines {
        assert!(
            !line.to_string().contains("4242424242424242"),
            "PAN in clear"
        );
    }

    drop(stream);
    let pid = served.child.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let status = served.wait();
    assert!(status.success(), "exit status {status}");
    let summary = err_rx.recv_timeout(WAIT).unwrap();
    assert!(summary.starts_with("stopped on SIGTERM"), "{summary}");
}

#[test]
fn rejects_a_bad_rules_file_with_its_line() {
    let rules = TempFile(
        std::env::temp_dir().join(format!("iso8583-cli-serve-bad-{}.toml", std::process::id())),
    );
    std::fs::write(&rules.0, "[[rule]]\nrespond = \"5\"\n").unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_iso8583"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--frame",
            "binary2",
            "--rules",
        ])
        .arg(&rules.0)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut served = Served { child };
    let status = served.wait();
    assert_eq!(status.code(), Some(2));
    let mut err = String::new();
    served
        .child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(
        err.contains("bad rules file") && err.contains("line 2"),
        "{err}"
    );
}
