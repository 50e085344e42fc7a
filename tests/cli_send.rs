//! `iso8583 send` and `iso8583 saf` against `iso8583 serve`, as a script would drive them; and a
//! sender killed with SIGKILL while its reversal is pending, whose reversal a new process
//! delivers from the journal.
#![cfg(feature = "cli")]
#![allow(clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_iso8583");

/// A child process killed when dropped, so that no test leaves one behind.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn temp(name: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    std::env::temp_dir().join(format!(
        "iso8583-cli-send-{}-{}-{name}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ))
}

fn remove_journal(path: &Path) {
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
}

/// Starts `iso8583 serve` with `rules` (TOML, may be empty) and returns it with its address.
fn serve(rules: &str) -> (Running, String, PathBuf) {
    let rules_path = temp("rules.toml");
    std::fs::write(&rules_path, rules).expect("rules file");
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--frame",
            "binary2",
            "--rules",
        ])
        .arg(&rules_path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("serve prints its address")
            .expect("stderr readable");
        if let Some(addr) = line.strip_prefix("listening on ") {
            break addr.trim().to_owned();
        }
    };
    (Running(child), addr, rules_path)
}

fn send(addr: &str, extra: &[&str], input: &str) -> Output {
    let mut child = Command::new(BIN)
        .args(["send", "--connect", addr, "--frame", "binary2"])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("send starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("input written");
    child.wait_with_output().expect("send ends")
}

fn lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

fn request(amount: &str, terminal: &str) -> String {
    format!(
        r#"{{"mti":"0200","fields":{{"2":"4242424242424242","3":"000000","4":"{amount}","41":"{terminal}","49":"840"}}}}"#
    )
}

const RULES: &str = r#"
[[rule]]
mti = "0200"
amount_min = 500000
respond = "51"

[[rule]]
mti = "0200"
terminal = "SILENT01"
action = "no_answer"
"#;

#[test]
fn send_prints_one_line_per_request_in_order_and_reverses_the_unanswered() {
    let (_host, addr, rules) = serve(RULES);
    let journal = temp("journal.db");
    let input = [
        request("1000", "TERM0001"),
        request("600000", "TERM0001"),
        request("2500", "SILENT01"),
        request("1200", "TERM0002"),
    ]
    .join("\n");
    let journal_arg = journal.display().to_string();
    let out = send(
        &addr,
        &[
            "--timeout-ms",
            "500",
            "--journal",
            &journal_arg,
            "--concurrency",
            "4",
        ],
        &input,
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let l = lines(&out);
    assert_eq!(l.len(), 4);
    assert_eq!(l[0]["outcome"], "response");
    assert_eq!(l[0]["mti"], "0210");
    assert_eq!(l[0]["fields"]["39"], "00");
    assert_eq!(l[0]["fields"]["2"], "424242******4242", "masked by default");
    assert_eq!(l[0]["reversal"], "none");
    assert!(
        l[0]["fields"]["11"].as_str().is_some_and(|s| s.len() == 6),
        "DE11 filled"
    );
    assert!(
        l[0]["fields"]["7"].as_str().is_some_and(|s| s.len() == 10),
        "DE7 filled"
    );
    assert!(l[0]["latency_us"].as_u64().is_some());
    assert_eq!(l[0]["diagnosis"]["category"], "approved");
    assert_eq!(l[1]["fields"]["39"], "51");
    assert_eq!(l[1]["fields"]["4"], "000000600000");
    assert_eq!(l[2]["outcome"], "no_response");
    assert!(["queued", "sent", "accepted"].contains(&l[2]["reversal"].as_str().unwrap_or("")));
    assert!(l[2].get("mti").is_none());
    assert_eq!(l[2]["diagnosis"]["category"], "timeout");
    assert_eq!(l[3]["outcome"], "response");
    assert_eq!(l[3]["fields"]["41"], "TERM0002");

    // The reversal went out before `send` exited and the host accepted it.
    let list = Command::new(BIN)
        .args(["saf", "--journal", &journal_arg, "list"])
        .output()
        .expect("saf list");
    assert_eq!(list.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&list.stdout).lines().count(),
        1,
        "only the heading"
    );
    remove_journal(&journal);
    let _ = std::fs::remove_file(rules);
}

#[test]
fn send_exits_0_when_every_request_is_answered_and_shows_clear_text_on_request() {
    let (_host, addr, rules) = serve("");
    let out = send(&addr, &["--unmasked"], &request("1000", "TERM0001"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let l = lines(&out);
    assert_eq!(l[0]["fields"]["2"], "4242424242424242");
    assert_eq!(
        l[0]["fields"]["38"].as_str().map(str::len),
        Some(6),
        "approval code"
    );
    let _ = std::fs::remove_file(rules);
}

#[test]
fn send_to_a_closed_port_is_connection_failed_without_reversal() {
    let addr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").to_string()
    };
    let out = send(
        &addr,
        &["--timeout-ms", "300"],
        &request("1000", "TERM0001"),
    );
    assert_eq!(out.status.code(), Some(1));
    let l = lines(&out);
    assert_eq!(l[0]["outcome"], "connection_failed");
    assert_eq!(l[0]["reversal"], "none");
    assert_eq!(l[0]["diagnosis"]["category"], "connection_failure");
}

#[test]
fn send_rejects_bad_usage_with_exit_2() {
    let out = Command::new(BIN)
        .args(["send", "--connect", "127.0.0.1:1", "--reversal", "0200"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(BIN)
        .args(["saf", "--journal", "/nonexistent/dir/j.db", "list"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_reversal_pending_when_the_sender_is_killed_is_delivered_by_a_new_process() {
    // A host that never answers anything.
    let (_silent, silent_addr, rules1) = serve("[[rule]]\naction = \"no_answer\"\n");
    let journal = temp("crash.db");
    let journal_arg = journal.display().to_string();
    let mut child = Command::new(BIN)
        .args(["send", "--connect", &silent_addr, "--frame", "binary2"])
        .args([
            "--timeout-ms",
            "1500",
            "--retry-ms",
            "100",
            "--journal",
            &journal_arg,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("send starts");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(request("4321", "CRASH001").as_bytes())
        .expect("input");
    stdin.write_all(b"\n").expect("input");
    // Keep standard input open: the sender is still running when it is killed.
    let stdout = child.stdout.take().expect("stdout");
    let mut child = Running(child);
    let first = BufReader::new(stdout)
        .lines()
        .next()
        .expect("a line")
        .expect("readable");
    let line: serde_json::Value = serde_json::from_str(&first).expect("JSON");
    assert_eq!(line["outcome"], "no_response");
    assert_ne!(line["reversal"], "none");
    // The reversal is journalled and is now in flight to the silent host: kill -9.
    let pid = child.0.id().to_string();
    let killed = Command::new("kill")
        .args(["-KILL", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let _ = child.0.wait();
    drop(stdin);

    let list = Command::new(BIN)
        .args(["saf", "--journal", &journal_arg, "list"])
        .output()
        .expect("saf list");
    let text = String::from_utf8_lossy(&list.stdout).to_string();
    let rows: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(rows.len(), 1, "{text}");
    assert!(
        rows[0].contains("0200") && rows[0].contains("CRASH001") && rows[0].contains("pending")
    );
    assert!(
        !text.contains("4242424242424242"),
        "no card data in the listing"
    );

    // A new process on the same journal delivers it to a host that answers.
    let (mut good, good_addr, rules2) = serve("");
    let start = Instant::now();
    let run = loop {
        let run = Command::new(BIN)
            .args([
                "saf",
                "--journal",
                &journal_arg,
                "run",
                "--connect",
                &good_addr,
            ])
            .args(["--frame", "binary2", "--timeout-ms", "2000"])
            .output()
            .expect("saf run");
        // The attempt in flight when the sender died is due again after --retry-ms.
        if run.status.code() == Some(0) || start.elapsed() > Duration::from_secs(5) {
            break run;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let list = Command::new(BIN)
        .args(["saf", "--journal", &journal_arg, "list"])
        .output()
        .expect("saf list");
    assert_eq!(String::from_utf8_lossy(&list.stdout).lines().count(), 1);
    // The host saw the reversal of that sale: a 0400 or its repeat 0401, for terminal CRASH001.
    let _ = Command::new("kill")
        .args(["-TERM", &good.0.id().to_string()])
        .status();
    let _ = good.0.wait();
    let mut host_out = String::new();
    if let Some(mut out) = good.0.stdout.take() {
        let _ = std::io::Read::read_to_string(&mut out, &mut host_out);
    }
    let reversal = host_out
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["terminal"] == "CRASH001")
        .expect("the host logged the reversal");
    assert!(
        ["0400", "0401"].contains(&reversal["mti"].as_str().unwrap_or("")),
        "{reversal}"
    );
    assert_eq!(reversal["response_code"], "00");
    remove_journal(&journal);
    let _ = std::fs::remove_file(rules1);
    let _ = std::fs::remove_file(rules2);
}

#[test]
fn serve_rules_close_the_connection_or_answer_after_a_delay() {
    let rules = r#"
[[rule]]
mti = "0200"
terminal = "CLOSE001"
action = "close"

[[rule]]
mti = "0200"
terminal = "DELAY001"
delay_ms = 300
respond = "00"
"#;
    let (_host, addr, rules) = serve(rules);
    let input = [request("1000", "DELAY001"), request("1000", "CLOSE001")].join("\n");
    let out = send(&addr, &["--timeout-ms", "2000"], &input);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let l = lines(&out);
    assert_eq!(l[0]["outcome"], "response");
    assert_eq!(l[0]["fields"]["39"], "00");
    assert!(
        l[0]["latency_us"].as_u64().is_some_and(|us| us >= 300_000),
        "answered after the delay: {}",
        l[0]["latency_us"]
    );
    assert_eq!(l[1]["outcome"], "connection_lost");
    assert_ne!(l[1]["reversal"], "none");
    let _ = std::fs::remove_file(rules);
}

#[test]
fn send_prints_each_line_while_standard_input_is_still_open() {
    let (_host, addr, rules) = serve("");
    let mut child = Command::new(BIN)
        .args([
            "send",
            "--connect",
            &addr,
            "--frame",
            "binary2",
            "--concurrency",
            "4",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("send starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    let mut child = Running(child);
    stdin
        .write_all(format!("{}\n", request("1000", "TERM0001")).as_bytes())
        .expect("input");
    stdin.flush().expect("flush");
    // Read the first line on a thread, so that a sender that waits for more input fails the
    // test instead of hanging it.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let line = BufReader::new(stdout).lines().next();
        let _ = tx.send(line);
    });
    let line = rx
        .recv_timeout(Duration::from_secs(5))
        .expect("a line before the input ends")
        .expect("a line")
        .expect("readable");
    let v: serde_json::Value = serde_json::from_str(&line).expect("JSON");
    assert_eq!(v["outcome"], "response");
    drop(stdin);
    let status = child.0.wait().expect("send ends");
    assert_eq!(status.code(), Some(0));
    let _ = std::fs::remove_file(rules);
}
