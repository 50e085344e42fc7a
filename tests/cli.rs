//! The `iso8583` command-line tool, run as a built binary on the reference messages.
#![cfg(feature = "cli")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The reference 0210 (DE39 `96`) as its own ASCII characters, one line.
const SAMPLE: &str = include_str!("../specs/samples/0210-declined-96.txt");

/// The same message as upper-case hex.
const SAMPLE_HEX: &str = include_str!("../specs/samples/0210-declined-96.hex");

/// The UnionPay-style 0200 of HosseinAssaran/ISO8583-Parser as sent: 2-byte length `00A8`,
/// TPDU, message.
const CUP_SAMPLE: &str = include_str!("../specs/samples/cup-pos-tpdu-0200.hex");

/// The reference 0210 of `vectors/README.md`.
const REF_0210: &str = "0210723804802EC080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012ABC12396TERM0001MERCHANT0000001840";

const MASKED_JSON: &str = r#"{"mti":"0210","fields":{"2":"424242******4242","3":"000000","4":"000000010000","7":"1123132500","11":"123456","12":"132500","13":"1123","22":"051","25":"00","35":{"pan":"424242******4242","expiry":"2912","service_code":"201","discretionary":"[HIDDEN]"},"37":"123456789012","38":"ABC123","39":"96","41":"TERM0001","42":"MERCHANT0000001","49":"840"},"diagnosis":{"code":"96","dialect":"iso8583-1987","meaning":"System malfunction","meaning_zh":"系统异常、失效","category":"switch_fault","responsible":"switch","retry":"later","reversal":false,"class":null,"flags":[],"cashier_prompt":"Declined: system error at the switch, try again in a few minutes","checklist":["Check the signal and the line; test latency and packet loss to the host (for example with ping)","Compare the terminal's network settings with the acquirer's instructions","Wait about ten minutes and try again, a limited number of times","Check whether the terminal software version is supported; update it","Download the parameters again, then sign on","Call the acquirer's help desk with the terminal ID, the time and the response code"]}}"#;

const CLEAR_JSON: &str = r#"{"mti":"0210","fields":{"2":"4242424242424242","3":"000000","4":"000000010000","7":"1123132500","11":"123456","12":"132500","13":"1123","22":"051","25":"00","35":{"pan":"4242424242424242","expiry":"2912","service_code":"201","discretionary":"1000000000000"},"37":"123456789012","38":"ABC123","39":"96","41":"TERM0001","42":"MERCHANT0000001","49":"840"},"diagnosis":{"code":"96","dialect":"iso8583-1987","meaning":"System malfunction","meaning_zh":"系统异常、失效","category":"switch_fault","responsible":"switch","retry":"later","reversal":false,"class":null,"flags":[],"cashier_prompt":"Declined: system error at the switch, try again in a few minutes","checklist":["Check the signal and the line; test latency and packet loss to the host (for example with ping)","Compare the terminal's network settings with the acquirer's instructions","Wait about ten minutes and try again, a limited number of times","Check whether the terminal software version is supported; update it","Download the parameters again, then sign on","Call the acquirer's help desk with the terminal ID, the time and the response code"]}}"#;

const MASKED_TABLE: &str = "\
Message  172 bytes, spec iso8583-1987-ascii
MTI      0210  financial, request response, from acquirer
Bitmap   723804802EC08000
Fields   2 3 4 7 11 12 13 22 25 35 37 38 39 41 42 49

DE  Name                                       Format  Len  Value
 2  Primary account number (PAN)               n..19    16  424242******4242
 3  Processing code                            n 6       6  000000
 4  Transaction amount                         n 12     12  000000010000
 7  Transmission date and time (MMDDhhmmss)    n 10     10  1123132500
11  System trace audit number (STAN)           n 6       6  123456
12  Local transaction time (hhmmss)            n 6       6  132500
13  Local transaction date (MMDD)              n 4       4  1123
22  Point-of-service entry mode                n 3       3  051
25  Point-of-service condition code            n 2       2  00
35  Track 2 data                               z..37    37  424242******4242=********************
      Primary account number                            16  424242******4242
      Expiry date (YYMM)                                 4  2912
      Service code                                       3  201
      Discretionary data                                13  [HIDDEN]
37  Retrieval reference number (RRN)           an 12    12  123456789012
38  Authorization ID response (approval code)  an 6      6  ABC123
39  Response code                              an 2      2  96
41  Card acceptor terminal ID                  ans 8     8  TERM0001
42  Card acceptor ID (merchant ID)             ans 15   15  MERCHANT0000001
49  Transaction currency code                  an 3      3  840

Response 96: System malfunction. Category: Switch or host fault. Retry: later, after a few minutes, a few times at most. Reversal: not needed.
Cashier  Declined: system error at the switch, try again in a few minutes
";

/// A spec with a 2-byte header and a secret binary field.
const HEADER_SPEC: &str = r#"
name = "with-header"
description = "Two-byte header, PAN, processing code, PIN block"
[message]
header_length = 2
mti_encoding = "ascii"
bitmap_encoding = "ascii-hex"
[defaults]
encoding = "ascii"
prefix_encoding = "ascii"
[fields.2]
name = "Primary account number (PAN)"
class = "n"
length = 19
prefix = 2
mask = "pan"
[fields.3]
name = "Processing code"
class = "n"
length = 6
[fields.52]
name = "PIN block"
class = "b"
encoding = "binary"
length = 8
mask = "secret"
"#;

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

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// A file in the temporary directory, unique to this test process.
fn temp_file(name: &str, contents: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("iso8583-cli-{}-{name}", std::process::id()));
    std::fs::write(&path, contents).unwrap();
    path
}

#[test]
fn sample_file_holds_the_reference_0210() {
    assert_eq!(SAMPLE, format!("{REF_0210}\n"));
    assert_eq!(SAMPLE_HEX, format!("{}\n", hex(REF_0210.as_bytes())));
    let r = run(&["decode", "--input", "hex"], SAMPLE_HEX.as_bytes());
    assert_eq!(r.stdout, MASKED_TABLE);
}

#[test]
fn decodes_reference_0210_as_json_masked() {
    let r = run(&["decode", "--format", "json"], SAMPLE.as_bytes());
    assert_eq!(r.stderr, "");
    assert_eq!(r.stdout, format!("{MASKED_JSON}\n"));
    assert_eq!(r.code, 0);
}

#[test]
fn decodes_reference_0210_as_table_masked() {
    let r = run(&["decode", "--format", "table"], SAMPLE.as_bytes());
    assert_eq!(r.stdout, MASKED_TABLE);
    assert_eq!(r.code, 0);
    // The table is the default format.
    assert_eq!(run(&["decode"], SAMPLE.as_bytes()).stdout, MASKED_TABLE);
}

#[test]
fn decodes_unmasked_on_request() {
    let r = run(
        &["decode", "--format", "json", "--unmasked"],
        SAMPLE.as_bytes(),
    );
    assert_eq!(r.stdout, format!("{CLEAR_JSON}\n"));
    assert_eq!(r.code, 0);
    let table = run(&["decode", "--unmasked"], SAMPLE.as_bytes()).stdout;
    assert!(table.contains(
        "35  Track 2 data                               z..37    37  4242424242424242=29122011000000000000\n"
    ));
    assert!(!table.contains('*'));
}

#[test]
fn decodes_hex_with_spaces_from_arguments() {
    let spaced: Vec<String> = REF_0210.as_bytes().chunks(8).map(hex).collect::<Vec<_>>();
    let spaced = spaced.join(" ");
    let r = run(
        &[
            "decode", "--format", "json", "--input", "hex", &spaced, REF_0210,
        ],
        b"",
    );
    // The second argument is the message's own characters, which is not hex under `--input hex`.
    assert_eq!(r.stdout, format!("{MASKED_JSON}\n"));
    assert_eq!(
        r.stderr,
        format!(
            "{}\n",
            r#"{"error":{"kind":"invalid_hex","field":null,"offset":105,"element":"input","message":"character 105 is not a hex digit"}}"#
        )
    );
    assert_eq!(r.code, 1);
}

#[test]
fn reports_bad_message_among_good_ones() {
    // DE35's prefix says 38, above the field's maximum of 37; the prefix is at byte 87.
    let bad = REF_0210.replace("0374242", "0384242");
    assert_ne!(bad, REF_0210);
    let input = format!(
        "# a capture\n\n{REF_0210}\n{bad}\n   \n{}\n",
        hex(REF_0210.as_bytes())
    );
    let r = run(&["decode", "--format", "json"], input.as_bytes());
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    assert_eq!(lines[0], MASKED_JSON);
    assert_eq!(lines[1], MASKED_JSON);
    assert_eq!(
        r.stderr,
        format!(
            "{}\n",
            r#"{"error":{"kind":"length_out_of_range","field":35,"offset":87,"element":"DE35","message":"length 38 is above the maximum of 37","line":4}}"#
        )
    );
    assert_eq!(r.code, 1);

    let table = run(&["decode"], input.as_bytes());
    assert_eq!(table.stdout, format!("{MASKED_TABLE}\n{MASKED_TABLE}"));
    assert_eq!(
        table.stderr,
        "Error    line 4: DE35 at byte 87: length 38 is above the maximum of 37\n"
    );
    assert_eq!(table.code, 1);
}

#[test]
fn reports_invalid_content_with_its_offset() {
    // A letter in DE4 (bytes 44..56) at byte 50.
    let mut bad = REF_0210.as_bytes().to_vec();
    bad[50] = b'X';
    let r = run(&["decode", "--format", "json", "--input", "text"], &bad);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "{\"error\":{\"kind\":\"invalid_content\",\"field\":4,\"offset\":50,\"element\":\"DE4\",\"message\":\"holds a character that class n does not allow (digits only)\",\"line\":1}}\n"
    );
    assert_eq!(r.code, 1);
}

#[test]
fn decodes_raw_file() {
    let path = temp_file("raw-0210.bin", REF_0210.as_bytes());
    let r = run(
        &[
            "decode",
            "--format",
            "json",
            "--input",
            "raw",
            "--file",
            path.to_str().unwrap(),
        ],
        b"",
    );
    std::fs::remove_file(&path).unwrap();
    assert_eq!(r.stdout, format!("{MASKED_JSON}\n"));
    assert_eq!(r.code, 0);
}

#[test]
fn round_trips_decode_then_encode() {
    let wire_hex = hex(REF_0210.as_bytes());
    let decoded = run(
        &["decode", "--format", "json", "--unmasked", &wire_hex],
        b"",
    );
    assert_eq!(decoded.stdout, format!("{CLEAR_JSON}\n"));
    let encoded = run(&["encode"], decoded.stdout.as_bytes());
    assert_eq!(encoded.stderr, "");
    assert_eq!(encoded.stdout, format!("{wire_hex}\n"));
    assert_eq!(encoded.code, 0);
}

#[test]
fn round_trips_a_spec_with_header() {
    let spec = temp_file("header.toml", HEADER_SPEC.as_bytes());
    let spec = spec.to_str().unwrap();
    let json = r#"{"header":"ABCD","mti":"0200","fields":{"2":"4111111111111111","3":"000000","52":"0123456789ABCDEF"}}"#;
    let encoded = run(&["encode", "--spec-file", spec], json.as_bytes());
    // Header, MTI, bitmap 6000000000001000, LL 16, PAN, DE3, then DE52's eight raw bytes.
    let expected = format!(
        "ABCD{}0123456789ABCDEF\n",
        hex(b"02006000000000001000164111111111111111000000")
    );
    assert_eq!(encoded.stdout, expected);
    let masked = run(
        &["decode", "--spec-file", spec, "--format", "json"],
        expected.as_bytes(),
    );
    assert_eq!(
        masked.stdout,
        "{\"header\":\"ABCD\",\"mti\":\"0200\",\"fields\":{\"2\":\"411111******1111\",\"3\":\"000000\",\"52\":\"[HIDDEN]\"}}\n"
    );
    let clear = run(
        &[
            "decode",
            "--spec-file",
            spec,
            "--format",
            "json",
            "--unmasked",
        ],
        expected.as_bytes(),
    );
    assert_eq!(clear.stdout, format!("{json}\n"));
    let table = run(&["decode", "--spec-file", spec], expected.as_bytes());
    assert!(table
        .stdout
        .starts_with("Message  54 bytes, spec with-header\nHeader   ABCD\n"));
    assert!(table
        .stdout
        .contains("\n52  PIN block                     b 8       8  [HIDDEN]\n"));
    std::fs::remove_file(spec).unwrap();
}

#[test]
fn rejects_masked_values_on_encode() {
    let input = format!("{MASKED_JSON}\n{CLEAR_JSON}\n{{\"mti\":\"02x0\",\"fields\":{{}}}}\n");
    let r = run(&["encode"], input.as_bytes());
    assert_eq!(r.stdout, format!("{}\n", hex(REF_0210.as_bytes())));
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(
        lines,
        [
            r#"{"error":{"kind":"masked_value","field":2,"offset":null,"element":"DE2","message":"this value is masked; decode with --unmasked to get clear text","line":1}}"#,
            r#"{"error":{"kind":"invalid_mti","field":null,"offset":null,"element":"MTI","message":"\"mti\" is missing or not four digits","line":3}}"#,
        ]
    );
    assert_eq!(r.code, 1);
}

#[test]
fn lists_builtin_specs() {
    let r = run(&["specs"], b"");
    assert_eq!(r.code, 0);
    let names = iso8583_wire::Spec::builtin_names();
    let width = names.iter().map(|n| n.len()).max().unwrap();
    let expected: String = names
        .iter()
        .map(|n| {
            let description =
                iso8583_wire::Spec::builtin(n).map_or("(fails to load)", |s| s.description());
            format!("{n:<width$}  {description}\n")
        })
        .collect();
    assert_eq!(r.stdout, expected);
    assert!(r.stdout.starts_with("iso8583-1987-ascii  "));
    assert!(r
        .stdout
        .contains("ISO 8583:1987 with every part in ASCII: 4-digit MTI"));
}

#[test]
fn rejects_bad_spec_file_naming_the_field() {
    let bad = HEADER_SPEC.replace("encoding = \"binary\"\n", "");
    let path = temp_file("bad.toml", bad.as_bytes());
    let r = run(
        &["decode", "--spec-file", path.to_str().unwrap(), REF_0210],
        b"",
    );
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        format!(
            "iso8583: bad spec file {}: field 52: line 21, column 9: class b takes encoding binary, ascii-hex, ebcdic-hex or bcd (hex nibbles)\n    21 | [fields.52]\n       |         ^\n",
            path.display()
        )
    );
    let r = run(&["encode", "--spec-file", path.to_str().unwrap()], b"");
    assert_eq!(r.code, 2);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn decodes_with_jpos_xml_spec_file() {
    let spec = "tests/jpos/iso87ascii.xml";
    let r = run(
        &["decode", "--format", "json", "--spec-file", spec, REF_0210],
        b"",
    );
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    // The jPOS packager does not describe track 2's parts: DE35 stays one value.
    let flat_35 = MASKED_JSON.replace(
        r#""35":{"pan":"424242******4242","expiry":"2912","service_code":"201","discretionary":"[HIDDEN]"}"#,
        r#""35":"424242******4242=********************""#,
    );
    assert_ne!(flat_35, MASKED_JSON);
    assert_eq!(r.stdout.trim_end(), flat_35);
    let r = run(
        &["decode", "--spec-file", "tests/cli.rs.xml", REF_0210],
        b"",
    );
    assert_eq!(r.code, 2);
    assert!(r
        .stderr
        .starts_with("iso8583: cannot read spec file tests/cli.rs.xml"));
}

#[test]
fn rejects_unknown_spec_name_as_usage_error() {
    let r = run(&["decode", "--spec", "no-such-spec", REF_0210], b"");
    assert_eq!(r.code, 2);
    assert!(r
        .stderr
        .contains("invalid value 'no-such-spec' for '--spec <NAME>'"));
    assert_eq!(r.stdout, "");
}

/// `explain 96` in English, as text.
const EXPLAIN_96_EN: &str = "\
96  Declined: system error at the switch, try again in a few minutes
System malfunction
Whose side: the switch or acquirer host. Retry: later, after a few minutes, a few times at most. Reversal: not needed.
";

#[test]
fn explains_96_as_text_in_english_and_chinese() {
    let r = run(&["explain", "96"], b"");
    assert_eq!(r.stdout, EXPLAIN_96_EN);
    assert_eq!(r.code, 0);
    let r = run(&["explain", "96", "--lang", "en", "--format", "text"], b"");
    assert_eq!(r.stdout, EXPLAIN_96_EN);
    let r = run(&["explain", "96", "--lang", "zh"], b"");
    assert_eq!(
        r.stdout,
        "96  系统故障，请稍后重试\n系统异常、失效\n责任方：交换中心或收单主机。重试：几分钟后重试，限制次数。冲正：不需要。\n"
    );
    assert_eq!(r.code, 0);
}

/// The diagnosis of ISO 8583:1987 `96` in a 0210, as JSON in English.
const DIAGNOSIS_96_JSON: &str = r#"{"code":"96","dialect":"iso8583-1987","meaning":"System malfunction","meaning_zh":"系统异常、失效","category":"switch_fault","responsible":"switch","retry":"later","reversal":false,"class":null,"flags":[],"cashier_prompt":"Declined: system error at the switch, try again in a few minutes","checklist":["Check the signal and the line; test latency and packet loss to the host (for example with ping)","Compare the terminal's network settings with the acquirer's instructions","Wait about ten minutes and try again, a limited number of times","Check whether the terminal software version is supported; update it","Download the parameters again, then sign on","Call the acquirer's help desk with the terminal ID, the time and the response code"]}"#;

#[test]
fn explains_96_as_json() {
    let r = run(&["explain", "96", "--format", "json"], b"");
    assert_eq!(r.stdout, format!("{DIAGNOSIS_96_JSON}\n"));
    assert_eq!(r.code, 0);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    let mut expected = [
        "code",
        "dialect",
        "meaning",
        "meaning_zh",
        "category",
        "responsible",
        "retry",
        "reversal",
        "class",
        "flags",
        "cashier_prompt",
        "checklist",
    ];
    expected.sort_unstable();
    assert_eq!(keys, expected);
    // The Chinese JSON keeps the keys and both meanings; the prompt and steps are in Chinese.
    let zh = run(&["explain", "96", "--format", "json", "--lang", "zh"], b"");
    let z: serde_json::Value = serde_json::from_str(&zh.stdout).unwrap();
    assert_eq!(z["meaning"], "System malfunction");
    assert_eq!(z["cashier_prompt"], "系统故障，请稍后重试");
    assert_eq!(
        z["checklist"][0],
        "检查信号和线路；测试到主机的延迟和丢包（例如ping）"
    );
}

#[test]
fn explains_no_response_outcome_with_reversal_due() {
    let r = run(
        &["explain", "--outcome", "no-response", "--format", "json"],
        b"",
    );
    assert_eq!(r.code, 0);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["code"], "no-response");
    assert_eq!(v["dialect"], serde_json::Value::Null);
    assert_eq!(v["category"], "timeout");
    assert_eq!(v["retry"], "after_reversal");
    assert_eq!(v["reversal"], true);
    let text = run(&["explain", "--outcome", "no-response"], b"");
    assert_eq!(
        text.stdout.lines().next(),
        Some("no-response  No answer from the bank: wait for the reversal, then try again")
    );
    assert!(text
        .stdout
        .ends_with("Reversal: due, send it before anything else.\n"));
    // Nothing was sent: no reversal.
    let r = run(
        &[
            "explain",
            "--outcome",
            "connection-failed",
            "--format",
            "json",
        ],
        b"",
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["reversal"], false);
}

#[test]
fn explains_98_differently_in_cup_and_iso8583_1987() {
    let cup = run(
        &["explain", "98", "--dialect", "cup", "--format", "json"],
        b"",
    );
    let iso = run(
        &[
            "explain",
            "98",
            "--dialect",
            "iso8583-1987",
            "--format",
            "json",
        ],
        b"",
    );
    let default = run(&["explain", "98", "--format", "json"], b"");
    assert_eq!(iso.stdout, default.stdout);
    let cup: serde_json::Value = serde_json::from_str(&cup.stdout).unwrap();
    let iso: serde_json::Value = serde_json::from_str(&iso.stdout).unwrap();
    assert_eq!(cup["dialect"], "cup");
    assert_eq!(cup["category"], "timeout");
    assert_eq!(cup["responsible"], "issuer");
    assert_eq!(cup["class"], "E");
    assert_eq!(
        cup["meaning"],
        "UnionPay centre received no response from the card issuer"
    );
    assert_eq!(iso["dialect"], "iso8583-1987");
    assert_eq!(iso["category"], "unknown");
    assert_eq!(iso["class"], serde_json::Value::Null);
    assert_eq!(
        iso["meaning"],
        "Reserved for national use (widely copied lists: MAC error)"
    );
    let text = run(&["explain", "98", "--dialect", "cup"], b"");
    assert_eq!(
        text.stdout,
        "98  Card issuer timed out: try again\nUnionPay centre received no response from the card issuer [class E: Failed, system fault, do not retry]\nWhose side: the card issuer. Retry: not automatically; treat it as a decline, and try again only as a new transaction. Reversal: not needed.\n"
    );
}

#[test]
fn explains_unknown_code_keeping_its_value() {
    let r = run(&["explain", "Q7", "--format", "json"], b"");
    assert_eq!(r.code, 0);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["code"], "Q7");
    assert_eq!(v["category"], "unknown");
    assert_eq!(v["meaning"], "Unknown or reserved code");
    assert_eq!(v["reversal"], false);
    let text = run(&["explain", "Q7"], b"");
    assert_eq!(text.code, 0);
    assert!(text
        .stdout
        .starts_with("Q7  Declined: unknown response code\nUnknown or reserved code\n"));
}

#[test]
fn rejects_bad_explain_options_with_status_2() {
    for args in [
        &["explain", "96", "--dialect", "amex"][..],
        &["explain", "96", "--lang", "fr"],
        &["explain", "96", "--format", "xml"],
        &["explain", "96", "--mti", "02x0"],
        &["explain", "--outcome", "lost"],
        &["explain", "96", "--outcome", "no-response"],
        &["explain"],
    ] {
        let r = run(args, b"");
        assert_eq!(r.code, 2, "{args:?}");
        assert_eq!(r.stdout, "", "{args:?}");
        assert!(r.stderr.starts_with("error: "), "{args:?}: {}", r.stderr);
    }
}

#[test]
fn explains_a_reversal_reason_by_its_mti() {
    let r = run(
        &[
            "explain",
            "A0",
            "--dialect",
            "cup",
            "--mti",
            "0400",
            "--format",
            "json",
        ],
        b"",
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["category"], "network_fault");
    let text = run(&["explain", "A0", "--dialect", "cup", "--mti", "0400"], b"");
    assert!(text
        .stdout
        .contains("This is the reason given in a reversal, not a result.\n"));
}

#[test]
fn decodes_with_the_diagnosis_in_the_chosen_dialect_and_language() {
    let r = run(
        &["decode", "--format", "json", "--dialect", "cup", REF_0210],
        b"",
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["diagnosis"]["dialect"], "cup");
    assert_eq!(v["diagnosis"]["class"], "C");
    assert_eq!(v["diagnosis"]["category"], "switch_fault");
    let zh = run(&["decode", "--lang", "zh", REF_0210], b"");
    assert!(zh.stdout.ends_with(
        "\n\n应答码 96：系统异常、失效。类别：交换中心或主机故障。重试：几分钟后重试，限制次数。冲正：不需要。\n收银提示 系统故障，请稍后重试\n"
    ), "{}", zh.stdout);
    // No field 39, no diagnosis.
    let request = run(
        &[
            "decode",
            "--spec",
            "cup-pos-tpdu",
            "--format",
            "json",
            "--frame",
            "binary2",
        ],
        CUP_SAMPLE.as_bytes(),
    );
    assert!(!request.stdout.contains("diagnosis"));
}

/// A small day: a 96, two 00, a 51, a 0200 without field 39, a 0210 without field 39, a
/// line that is not a message, and a comment and a blank line that are skipped.
fn small_day() -> String {
    let with = |code: &str| REF_0210.replace("ABC12396", &format!("ABC123{code}"));
    // Bit 39 off in the bitmap (723804802EC08000 -> 723804802CC08000) and the value gone.
    let without = |mti: &str| {
        format!(
            "{mti}{}",
            &REF_0210[4..]
                .replacen("723804802EC08000", "723804802CC08000", 1)
                .replace("ABC12396", "ABC123")
        )
    };
    format!(
        "# a day\n{}\n{}\n\n{}\n{}\n{}\n{}\nnot a message\n",
        hex(with("96").as_bytes()),
        with("00"),
        hex(with("00").as_bytes()),
        with("51"),
        without("0200"),
        without("0210"),
    )
}

#[test]
fn summarises_a_day_by_category_and_code() {
    let path = temp_file("day.txt", small_day().as_bytes());
    let r = run(&["stats", path.to_str().unwrap()], b"");
    assert_eq!(r.stderr, "");
    // One line did not decode: the report is written, and the status says so.
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stdout,
        "\
messages                            7
decode failures                     1   14.3%
responses without field 39          1   14.3%
requests without field 39           1   14.3%
diagnosed                           4

category
Approved                      2   50.0%
Card or account               1   25.0%
Switch or host fault          1   25.0%

code
00     Approved                      2   50.0%  Approved or completed successfully
51     Card or account               1   25.0%  Not sufficient funds
96     Switch or host fault          1   25.0%  System malfunction

decode failures by kind  count   share  first lines
MTI is not four digits       1  100.0%  9
"
    );
    // The same from standard input, as JSON.
    let json = run(&["stats", "--format", "json"], small_day().as_bytes());
    assert_eq!(
        json.stdout,
        r#"{"messages":7,"decode_failures":1,"responses_without_field_39":1,"requests_without_field_39":1,"diagnosed":4,"categories":[{"category":"approved","count":2,"share":0.5},{"category":"card_account","count":1,"share":0.25},{"category":"switch_fault","count":1,"share":0.25}],"codes":[{"code":"00","dialect":"iso8583-1987","reversal_reason":false,"category":"approved","meaning":"Approved or completed successfully","count":2,"share":0.5},{"code":"51","dialect":"iso8583-1987","reversal_reason":false,"category":"card_account","meaning":"Not sufficient funds","count":1,"share":0.25},{"code":"96","dialect":"iso8583-1987","reversal_reason":false,"category":"switch_fault","meaning":"System malfunction","count":1,"share":0.25}],"decode_failure_kinds":[{"kind":"invalid_mti","count":1,"share":1.0,"first_lines":[9],"first_error":"MTI at byte 0: the MTI is not four decimal digits"}]}
"#
    );
    assert_eq!(json.code, 1);
    // Under --input hex the two lines of message characters do not decode either.
    let hex_only = run(
        &[
            "stats",
            "--input",
            "hex",
            "--format",
            "json",
            path.to_str().unwrap(),
        ],
        b"",
    );
    let v: serde_json::Value = serde_json::from_str(&hex_only.stdout).unwrap();
    assert_eq!(v["messages"], 7);
    assert_eq!(v["decode_failures"], 5);
    assert_eq!(v["diagnosed"], 2);
    // In the UnionPay dialect 96 is class C.
    let cup = run(
        &[
            "stats",
            "--dialect",
            "cup",
            "--format",
            "json",
            path.to_str().unwrap(),
        ],
        b"",
    );
    let v: serde_json::Value = serde_json::from_str(&cup.stdout).unwrap();
    assert_eq!(v["codes"][2]["dialect"], "cup");
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn rejects_unreadable_stats_input_with_status_2() {
    let r = run(&["stats", "/nonexistent/day.txt"], b"");
    assert_eq!(r.code, 2);
    assert!(r
        .stderr
        .starts_with("iso8583: cannot open /nonexistent/day.txt: "));
    let r = run(&["stats", "--dialect", "amex"], b"");
    assert_eq!(r.code, 2);
}

/// The UnionPay sample decoded with cup-pos-tpdu, masked.
const CUP_MASKED_JSON: &str = r#"{"header":"6000080000","mti":"0200","fields":{"3":"000000","4":"000000000001","11":"002755","12":"160400","13":"1125","22":"021","24":"008","25":"00","35":{"pan":"836214******6336","expiry":"2811","service_code":"201","discretionary":"[HIDDEN]"},"41":"01144021","42":"01129630       ","48":"1101313131313131313131311002312E312E312E312E31020330022231021532","49":"364","52":"[HIDDEN]","55":{"5F2A":"0364","82":"0800","95":"8000000000","9A":"231125","9C":"00","9F02":"000000000001"},"64":"[HIDDEN]"}}"#;

/// The same in clear text.
const CUP_CLEAR_JSON: &str = r#"{"header":"6000080000","mti":"0200","fields":{"3":"000000","4":"000000000001","11":"002755","12":"160400","13":"1125","22":"021","24":"008","25":"00","35":{"pan":"8362143741176336","expiry":"2811","service_code":"201","discretionary":"1861000000000"},"41":"01144021","42":"01129630       ","48":"1101313131313131313131311002312E312E312E312E31020330022231021532","49":"364","52":"0000000000000000","55":{"5F2A":"0364","82":"0800","95":"8000000000","9A":"231125","9C":"00","9F02":"000000000001"},"64":"1111111111111111"}}"#;

#[test]
fn decodes_binary2_frames_of_the_cup_sample() {
    let r = run(
        &[
            "decode",
            "--frame",
            "binary2",
            "--spec",
            "cup-pos-tpdu",
            "--format",
            "json",
        ],
        CUP_SAMPLE.as_bytes(),
    );
    assert_eq!(r.stderr, "");
    assert_eq!(r.stdout, format!("{CUP_MASKED_JSON}\n"));
    assert_eq!(r.code, 0);

    let table = run(
        &["decode", "--frame", "binary2", "--spec", "cup-pos-tpdu"],
        CUP_SAMPLE.as_bytes(),
    );
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(lines[0], "Message  168 bytes, spec cup-pos-tpdu");
    assert_eq!(lines[1], "Header   6000080000");
    assert_eq!(lines[2], "MTI      0200  financial, request, from acquirer");
    assert_eq!(
        lines[4],
        "Fields   3 4 11 12 13 22 24 25 35 41 42 48 49 52 55 64"
    );
    assert!(table.stdout.contains(
        "\n      9F02  Amount, authorised                                6  000000000001\n"
    ));
    assert!(table.stdout.contains(
        "\n      Primary account number                                 16  836214******6336\n"
    ));

    // A raw capture: keep-alive, the frame, a keep-alive, the frame again.
    let wire = hex_to_vec(CUP_SAMPLE.trim());
    let mut capture = vec![0, 0];
    capture.extend_from_slice(&wire);
    capture.extend_from_slice(&[0, 0]);
    capture.extend_from_slice(&wire);
    let path = temp_file("capture.bin", &capture);
    let args = [
        "decode",
        "--frame",
        "binary2",
        "--spec",
        "cup-pos-tpdu",
        "--input",
        "raw",
        "--file",
        path.to_str().unwrap(),
    ];
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let r = run(&json_args, b"");
    assert_eq!(r.stdout, format!("{CUP_MASKED_JSON}\n{CUP_MASKED_JSON}\n"));
    assert_eq!(r.code, 0);
    let t = run(&args, b"");
    assert!(
        t.stdout.ends_with("\n\nSkipped  2 keep-alives\n"),
        "{}",
        t.stdout
    );
    assert_eq!(t.stdout.matches("Message  168 bytes").count(), 2);

    // A capture cut short: the frame error at the frame's offset in the capture.
    let cut = &capture[..capture.len() - 10];
    std::fs::write(&path, cut).unwrap();
    let r = run(&json_args, b"");
    assert_eq!(r.stdout, format!("{CUP_MASKED_JSON}\n"));
    // The bytes left count what follows the 2-byte length header.
    assert_eq!(
        r.stderr,
        format!(
            "{}\n",
            r#"{"error":{"kind":"truncated","field":null,"offset":174,"element":"frame","message":"the length header announces 168 bytes, but only 158 follow"}}"#
        )
    );
    assert_eq!(r.code, 1);
    std::fs::remove_file(&path).unwrap();
}

fn hex_to_vec(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn round_trips_nested_subfields_through_encode() {
    let decoded = run(
        &[
            "decode",
            "--frame",
            "binary2",
            "--spec",
            "cup-pos-tpdu",
            "--format",
            "json",
            "--unmasked",
        ],
        CUP_SAMPLE.as_bytes(),
    );
    assert_eq!(decoded.stdout, format!("{CUP_CLEAR_JSON}\n"));
    let encoded = run(
        &["encode", "--spec", "cup-pos-tpdu"],
        decoded.stdout.as_bytes(),
    );
    assert_eq!(encoded.stderr, "");
    // The payload: the frame without its 2-byte length.
    assert_eq!(encoded.stdout, format!("{}\n", &CUP_SAMPLE.trim()[4..]));
    assert_eq!(encoded.code, 0);

    // The reference 0210's track 2 too.
    let encoded = run(&["encode"], format!("{CLEAR_JSON}\n").as_bytes());
    assert_eq!(encoded.stdout, format!("{}\n", hex(REF_0210.as_bytes())));

    // Subfields in another order build another value: DE55's tags are written as given.
    let swapped = CUP_CLEAR_JSON.replace(
        r#""5F2A":"0364","82":"0800""#,
        r#""82":"0800","5F2A":"0364""#,
    );
    let encoded = run(&["encode", "--spec", "cup-pos-tpdu"], swapped.as_bytes());
    assert!(encoded.stdout.contains("82020800"), "{}", encoded.stdout);
    assert!(encoded.stdout.contains("3382020800"), "{}", encoded.stdout);

    // An id the layout cannot have is refused.
    let bad = CUP_CLEAR_JSON.replace(r#""pan":"#, r#""card":"#);
    let r = run(&["encode", "--spec", "cup-pos-tpdu"], bad.as_bytes());
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "{\"error\":{\"kind\":\"invalid_subfield\",\"field\":35,\"offset\":null,\"element\":\"DE35\",\"message\":\"a subfield key is not an id of the field's layout\",\"line\":1}}\n"
    );
    assert_eq!(r.code, 1);
}

#[test]
fn shows_malformed_composite_without_failing_the_message() {
    // 9F02 says 7 bytes where 6 are left: the data object at byte 151 of the message.
    let bad = CUP_SAMPLE.replace("9F0206", "9F0207");
    let r = run(
        &[
            "decode",
            "--frame",
            "binary2",
            "--spec",
            "cup-pos-tpdu",
            "--format",
            "json",
        ],
        bad.as_bytes(),
    );
    assert_eq!(r.code, 0);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        v["subfield_errors"],
        serde_json::json!([{"field":55,"path":"55","kind":"truncated","offset":151,"message":"needs 10 bytes but only 9 are left"}])
    );
    // The field keeps its value; the other fields are all there.
    assert!(v["fields"]["55"].is_string());
    assert_eq!(v["fields"]["35"]["expiry"], "2811");
    let table = run(
        &["decode", "--frame", "binary2", "--spec", "cup-pos-tpdu"],
        bad.as_bytes(),
    );
    assert!(table
        .stdout
        .contains("\n    error in 55 at byte 151: needs 10 bytes but only 9 are left\n64  "));
    assert_eq!(table.code, 0);
}
