//! The conventions every `iso8583` subcommand keeps: data on standard output, errors on
//! standard error (JSON lines with `--format json`), exit status 0 / 1 / 2, a notice for empty
//! input, errors that say what to do, and `encode` output ready to send.
#![cfg(feature = "cli")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The reference 0210 of `vectors/README.md` (172 bytes, all ASCII).
const REF_0210: &str = "0210723804802EC080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012ABC12396TERM0001MERCHANT0000001840";

/// The UnionPay-style 0200 as sent: 2-byte binary length `00A8`, TPDU, message.
const CUP_SAMPLE: &str = include_str!("../specs/samples/cup-pos-tpdu-0200.hex");

/// The notice for input that holds no message.
const EMPTY_NOTICE: &str = "iso8583: the input holds no message\n";

struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

impl Run {
    fn stdout(&self) -> &str {
        std::str::from_utf8(&self.stdout).unwrap()
    }
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
        stdout: out.stdout,
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    let text = text.trim();
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// A file in the temporary directory, unique to this test process.
fn temp_file(name: &str, contents: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("iso8583-conv-{}-{name}", std::process::id()));
    std::fs::write(&path, contents).unwrap();
    path
}

/// The reference 0210 in clear JSON, as `decode --unmasked --format json` prints it.
fn clear_json() -> String {
    let r = run(&["decode", "--unmasked", "--format", "json", REF_0210], b"");
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    r.stdout().to_owned()
}

/// The reference 0210 with a letter in DE4 (bytes 44..56) at byte 50.
fn bad_de4() -> String {
    let mut bad = REF_0210.as_bytes().to_vec();
    bad[50] = b'X';
    String::from_utf8(bad).unwrap()
}

#[test]
fn decode_writes_errors_as_text_on_stderr_and_data_on_stdout() {
    let input = format!("{REF_0210}\n{}\n", bad_de4());
    let r = run(&["decode", "--input", "text"], input.as_bytes());
    assert_eq!(r.code, 1);
    let good = run(&["decode", REF_0210], b"");
    assert_eq!(good.code, 0);
    assert_eq!(good.stderr, "");
    // Standard output holds the good message and nothing else.
    assert_eq!(r.stdout(), good.stdout());
    assert_eq!(
        r.stderr,
        "Error    line 2: DE4 at byte 50: holds a character that class n does not allow (digits only)\n"
    );
}

#[test]
fn decode_writes_json_errors_as_json_lines_on_stderr() {
    let input = format!("{}\n{REF_0210}\n", bad_de4());
    let r = run(
        &["decode", "--format", "json", "--input", "text"],
        input.as_bytes(),
    );
    assert_eq!(r.code, 1);
    let lines: Vec<&str> = r.stdout().lines().collect();
    assert_eq!(lines.len(), 1);
    let message: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(message["mti"], "0210");
    let error: serde_json::Value = serde_json::from_str(r.stderr.trim_end()).unwrap();
    assert_eq!(
        error,
        serde_json::json!({"error":{"kind":"invalid_content","field":4,"offset":50,"element":"DE4","message":"holds a character that class n does not allow (digits only)","line":1}})
    );
    assert_eq!(r.stderr.lines().count(), 1);
}

#[test]
fn encode_writes_errors_on_stderr_and_only_hex_on_stdout() {
    let input = format!("{}not json\n", clear_json());
    let r = run(&["encode"], input.as_bytes());
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout(), format!("{}\n", hex(REF_0210.as_bytes())));
    assert_eq!(
        r.stderr,
        "{\"error\":{\"kind\":\"invalid_json\",\"field\":null,\"offset\":null,\"element\":\"input\",\"message\":\"not JSON: syntax error at column 2\",\"line\":2}}\n"
    );
}

#[test]
fn exits_0_when_every_message_goes_through() {
    let r = run(&["decode", "--format", "json", REF_0210, REF_0210], b"");
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert_eq!(r.stdout().lines().count(), 2);
    let r = run(&["encode"], clear_json().as_bytes());
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
}

#[test]
fn exits_1_when_some_message_fails() {
    let r = run(&["decode", REF_0210, &format!("{REF_0210}0")], b"");
    assert_eq!(r.code, 1);
    // One byte left over: the singular.
    assert_eq!(
        r.stderr,
        "Error    DE49 at byte 172: 1 trailing byte after the last field\n"
    );
    let r = run(&["decode", &format!("{REF_0210}000")], b"");
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains(": 3 trailing bytes after the last field"),
        "{}",
        r.stderr
    );
}

#[test]
fn exits_2_on_usage_and_io_errors() {
    // A usage error, found by the argument parser.
    let r = run(&["decode", "--no-such-flag"], b"");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with("error: unexpected argument"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
    let r = run(&["encode", "--output", "octal"], b"");
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    // An input file that does not exist.
    let r = run(&["decode", "--file", "/nonexistent/capture.hex"], b"");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("iso8583: cannot open /nonexistent/capture.hex: "),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
    let r = run(&["encode", "/nonexistent/messages.json"], b"");
    assert_eq!(r.code, 2);
    assert!(r
        .stderr
        .starts_with("iso8583: cannot open /nonexistent/messages.json: "));
    let r = run(
        &["decode", "--input", "raw", "--file", "/nonexistent/m.bin"],
        b"",
    );
    assert_eq!(r.code, 2);
    assert!(r
        .stderr
        .starts_with("iso8583: cannot read /nonexistent/m.bin: "));
    // A spec file that cannot be read.
    let r = run(&["decode", "--spec-file", "/nonexistent/spec.toml"], b"");
    assert_eq!(r.code, 2);
    assert!(r
        .stderr
        .starts_with("iso8583: cannot read spec file /nonexistent/spec.toml: "));
}

#[test]
fn help_documents_exit_status_and_spec_file_formats() {
    for args in [
        &["--help"][..],
        &["decode", "--help"],
        &["encode", "--help"],
    ] {
        let r = run(args, b"");
        assert_eq!(r.code, 0, "{args:?}");
        let help = r.stdout();
        assert!(
            help.contains(
                "Exit status:\n  0  every message went through\n  1  some message failed"
            ),
            "{args:?}: {help}"
        );
        assert!(help.contains("\n  2  usage error"), "{args:?}");
    }
    let help = run(&["decode", "--help"], b"");
    assert!(help.stdout().contains("jPOS GenericPackager XML"));
    assert!(help.stdout().contains("ending in .xml"));
    let help = run(&["encode", "--help"], b"");
    assert!(help.stdout().contains("--output <OUTPUT>"));
    assert!(help.stdout().contains("--frame <KIND>"));
}

#[test]
fn empty_input_gets_a_notice_and_status_1() {
    let blank = temp_file("blank.txt", b"\n   \n# only a comment\n\n");
    let empty = temp_file("empty.txt", b"");
    let blank_path = blank.to_str().unwrap();
    let empty_path = empty.to_str().unwrap();
    let cases: [(&[&str], &[u8]); 6] = [
        (&["decode"], b""),
        (&["decode"], b"\n\n  \n"),
        (&["decode", "--file", empty_path], b""),
        (&["decode", "--file", blank_path], b""),
        (&["decode", "--input", "raw"], b""),
        (&["decode", "--frame", "binary2", "--input", "raw"], b""),
    ];
    for (args, stdin) in cases {
        let r = run(args, stdin);
        assert_eq!(r.code, 1, "{args:?}");
        assert_eq!(r.stderr, EMPTY_NOTICE, "{args:?}");
        assert!(r.stdout.is_empty(), "{args:?}");
    }
    let json = r#"{"error":{"kind":"empty_input","field":null,"offset":null,"element":"input","message":"the input holds no message"}}"#;
    let r = run(&["decode", "--format", "json"], b"");
    assert_eq!((r.code, r.stderr.trim_end()), (1, json));
    for args in [&["encode"][..], &["encode", blank_path]] {
        let r = run(args, b"# nothing\n");
        assert_eq!((r.code, r.stderr.trim_end()), (1, json), "{args:?}");
        assert!(r.stdout.is_empty());
    }
    std::fs::remove_file(blank).unwrap();
    std::fs::remove_file(empty).unwrap();
}

#[test]
fn encode_says_a_masked_value_is_masked() {
    let masked = run(&["decode", "--format", "json", REF_0210], b"");
    assert_eq!(masked.code, 0);
    let r = run(&["encode"], &masked.stdout);
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
    assert_eq!(
        r.stderr,
        "{\"error\":{\"kind\":\"masked_value\",\"field\":2,\"offset\":null,\"element\":\"DE2\",\"message\":\"this value is masked; decode with --unmasked to get clear text\",\"line\":1}}\n"
    );
    // A hidden subfield of track 2 is refused as masked too, not as a class error.
    let hidden = clear_json().replace(
        r#""discretionary":"1000000000000""#,
        r#""discretionary":"[HIDDEN]""#,
    );
    assert_ne!(hidden, clear_json());
    let r = run(&["encode"], hidden.as_bytes());
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains(r#""kind":"masked_value","field":35,"offset":null,"element":"DE35","message":"this value is masked; decode with --unmasked to get clear text""#),
        "{}",
        r.stderr
    );
    // A star in a field decode does not mask is data, not a mask.
    let star = clear_json().replace("MERCHANT0000001", "MERCHANT*000001");
    let r = run(&["encode"], star.as_bytes());
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
}

#[test]
fn decode_errors_place_a_bad_toml_spec_at_its_line() {
    let spec = temp_file(
        "syntax.toml",
        b"name = \"t\"\n[message]\nmti_encoding = = \"ascii\"\n",
    );
    let r = run(
        &["decode", "--spec-file", spec.to_str().unwrap(), REF_0210],
        b"",
    );
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    assert_eq!(
        r.stderr,
        format!(
            "iso8583: bad spec file {}: line 3, column 16: extra `=`, expected nothing\n    3 | mti_encoding = = \"ascii\"\n      |                ^\n",
            spec.display()
        )
    );
    std::fs::remove_file(spec).unwrap();
}

#[test]
fn refuses_specs_without_fields_mti_or_bitmap() {
    let cases: [(&str, &[u8], &str); 3] = [
        (
            "name-only.toml",
            b"name = \"t\"\n",
            "no [message] table: a spec must give mti_encoding and bitmap_encoding\n",
        ),
        (
            "no-fields.toml",
            b"name = \"t\"\n[message]\nmti_encoding = \"ascii\"\nbitmap_encoding = \"ascii-hex\"\n",
            "no fields are defined: a spec needs at least one [fields.N] table\n",
        ),
        (
            "no-bitmap.toml",
            b"name = \"t\"\n[message]\nmti_encoding = \"ascii\"\n[fields.3]\nname = \"P\"\nclass = \"n\"\nencoding = \"ascii\"\nlength = 6\n",
            "line 2, column 1: missing field `bitmap_encoding`\n    2 | [message]\n      | ^\n",
        ),
    ];
    for (name, text, error) in cases {
        let spec = temp_file(name, text);
        for command in ["decode", "encode"] {
            let r = run(&[command, "--spec-file", spec.to_str().unwrap()], b"");
            assert_eq!(r.code, 2, "{name}");
            assert_eq!(
                r.stderr,
                format!("iso8583: bad spec file {}: {error}", spec.display()),
                "{name}"
            );
        }
        std::fs::remove_file(spec).unwrap();
    }
}

#[test]
fn encode_writes_raw_frames_ready_to_send() {
    let json = clear_json();
    let message = REF_0210.as_bytes();
    // Raw bytes: the message itself.
    let r = run(&["encode", "--output", "raw"], json.as_bytes());
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert_eq!(r.stdout, message);
    // In a binary2 frame: the 2-byte length 172 (00 AC), then the message.
    let r = run(
        &["encode", "--output", "raw", "--frame", "binary2"],
        json.as_bytes(),
    );
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    let mut framed = vec![0x00, 0xAC];
    framed.extend_from_slice(message);
    assert_eq!(r.stdout, framed);
    // Two messages, back to back: a capture `decode --frame` reads again.
    let two = format!("{json}{json}");
    let r = run(
        &["encode", "--output", "raw", "--frame", "binary2"],
        two.as_bytes(),
    );
    assert_eq!(r.stdout, [framed.clone(), framed].concat());
    let capture = temp_file("capture.bin", &r.stdout);
    let back = run(
        &[
            "decode",
            "--unmasked",
            "--format",
            "json",
            "--frame",
            "binary2",
            "--input",
            "raw",
            "--file",
            capture.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!((back.code, back.stdout()), (0, two.as_str()));
    std::fs::remove_file(capture).unwrap();
    // Hex, framed with the other length headers.
    let ascii4 = run(&["encode", "--frame", "ascii4"], json.as_bytes());
    assert_eq!(
        ascii4.stdout(),
        format!("{}{}\n", hex(b"0172"), hex(message))
    );
    let bcd2 = run(&["encode", "--frame", "bcd2"], json.as_bytes());
    assert_eq!(bcd2.stdout(), format!("0172{}\n", hex(message)));
    let hex4 = run(&["encode", "--frame", "hex4"], json.as_bytes());
    assert_eq!(hex4.stdout(), format!("{}{}\n", hex(b"00AC"), hex(message)));
    let binary4 = run(&["encode", "--frame", "binary4"], json.as_bytes());
    assert_eq!(binary4.stdout(), format!("000000AC{}\n", hex(message)));
}

#[test]
fn encode_rebuilds_the_unionpay_frame_as_sent() {
    // The sample is a binary2 frame of a message whose spec declares the TPDU: decoding its
    // payload and encoding it in a binary2 frame gives the very bytes that were sent.
    let decoded = run(
        &[
            "decode",
            "--unmasked",
            "--format",
            "json",
            "--frame",
            "binary2",
            "--spec",
            "cup-pos-tpdu",
        ],
        CUP_SAMPLE.as_bytes(),
    );
    assert_eq!((decoded.code, decoded.stderr.as_str()), (0, ""));
    let r = run(
        &[
            "encode",
            "--spec",
            "cup-pos-tpdu",
            "--frame",
            "binary2",
            "--output",
            "raw",
        ],
        &decoded.stdout,
    );
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert_eq!(r.stdout, unhex(CUP_SAMPLE));
    assert_eq!(&r.stdout[..2], [0x00, 0xA8]);
}

#[test]
fn encode_refuses_a_message_too_long_for_its_frame() {
    // Eleven fields of 999 characters: a message of 11 042 bytes (MTI, primary bitmap, eleven
    // LLL prefixes and values), above the 9999 a bcd2 length header can say, and within what
    // binary2 can.
    let fields: Vec<String> = [46, 47, 48, 56, 57, 58, 59, 60, 61, 62, 63]
        .iter()
        .map(|n| format!("\"{n}\":\"{}\"", "A".repeat(999)))
        .collect();
    let json = format!("{{\"mti\":\"0200\",\"fields\":{{{}}}}}\n", fields.join(","));
    let r = run(&["encode", "--frame", "bcd2"], json.as_bytes());
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
    assert_eq!(
        r.stderr,
        "{\"error\":{\"kind\":\"too_long\",\"field\":null,\"offset\":0,\"element\":\"frame\",\"message\":\"length 11042 is above the maximum of 9999\",\"line\":1}}\n"
    );
    let r = run(
        &["encode", "--frame", "binary2", "--output", "raw"],
        json.as_bytes(),
    );
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert_eq!(r.stdout.len(), 2 + 11_042);
    assert_eq!(&r.stdout[..2], 11_042u16.to_be_bytes());
}

#[test]
fn frame_errors_count_bytes_after_the_length_header() {
    let mut capture = vec![0x00, 0xAC];
    capture.extend_from_slice(&REF_0210.as_bytes()[..100]);
    let path = temp_file("cut.bin", &capture);
    let r = run(
        &[
            "decode",
            "--frame",
            "binary2",
            "--input",
            "raw",
            "--file",
            path.to_str().unwrap(),
        ],
        b"",
    );
    std::fs::remove_file(path).unwrap();
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
    assert_eq!(
        r.stderr,
        "Error    frame at byte 0: the length header announces 172 bytes, but only 100 follow\n"
    );
}
