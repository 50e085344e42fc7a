//! `iso8583 encode --strict`: messages that break their spec's message rules are not encoded,
//! and every missing and unexpected element is reported on standard error.
#![cfg(feature = "cli")]
// A test stops at its first failure: unwrapping, panicking and indexing are how it says so.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
use std::io::Write;
use std::process::{Command, Stdio};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str], stdin: &[u8]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_iso8583"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// An ISO 8583:1987 echo test that follows the 0800 rules (7, 11 and 70 mandatory).
const ECHO: &str = r#"{"mti":"0800","fields":{"7":"1123132500","11":"000001","70":"301"}}"#;
/// Its upper-case hex encoding with `iso8583-1987-ascii`.
const ECHO_HEX: &str = "30383030383232303030303030303030303030303034303030303030303030303030303031313233313332353030303030303031333031";
/// An 0800 without 7 and 70, with 41 that the 0800 rules do not list.
const BAD_ECHO: &str = r#"{"mti":"0800","fields":{"11":"000001","41":"TERM0001"}}"#;
/// An 0200, a type the built-in spec has no rules for.
const SALE: &str = r#"{"mti":"0200","fields":{"3":"000000","11":"000001"}}"#;

#[test]
fn strict_encode_reports_every_missing_and_unexpected_element() {
    let input = format!("{ECHO}\n{BAD_ECHO}\n{SALE}\n");
    let r = run(&["encode", "--strict"], input.as_bytes());
    assert_eq!(r.code, 1, "{}", r.stderr);
    let sale_hex = {
        let plain = run(&["encode"], format!("{SALE}\n").as_bytes());
        assert_eq!(plain.code, 0);
        plain.stdout.trim_end().to_owned()
    };
    assert_eq!(
        r.stdout.lines().collect::<Vec<_>>(),
        [ECHO_HEX, sale_hex.as_str()]
    );
    assert_eq!(
        r.stderr,
        "iso8583: line 2: 0800 breaks its message rules: DE7 missing, DE70 missing, DE41 unexpected\n"
    );
}

#[test]
fn plain_encode_ignores_the_rules() {
    let r = run(&["encode"], format!("{BAD_ECHO}\n").as_bytes());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    // 0800, bitmap with 11 and 41, DE11, DE41.
    let ascii = "08000020000000800000000001TERM0001";
    let hex: String = ascii.bytes().map(|b| format!("{b:02X}")).collect();
    assert_eq!(r.stdout, format!("{hex}\n"));
}

#[test]
fn strict_encode_passes_what_follows_the_rules() {
    let r = run(&["encode", "--strict"], format!("{ECHO}\n").as_bytes());
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert_eq!(r.stdout, format!("{ECHO_HEX}\n"));
    // A UnionPay sign-on that lacks DE63 (the operator code).
    let sign_on = r#"{"header":"6000030000603100000000","mti":"0800","fields":{"11":"000001","41":"TERM0001","42":"MERCHANT0000001","60":"00000001003"}}"#;
    let r = run(
        &["encode", "--strict", "--spec", "cup-pos"],
        format!("{sign_on}\n").as_bytes(),
    );
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "iso8583: line 1: 0800 breaks its message rules: DE63 missing\n"
    );
}
