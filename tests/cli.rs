//! The `iso8583` command-line tool, run as a built binary on the reference messages.
#![cfg(feature = "cli")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The reference 0210 (DE39 `96`) as its own ASCII characters, one line.
const SAMPLE: &str = include_str!("../specs/samples/0210-declined-96.hex");

/// The reference 0210 of `vectors/README.md`.
const REF_0210: &str = "0210723804802EC080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012ABC12396TERM0001MERCHANT0000001840";

const MASKED_JSON: &str = r#"{"mti":"0210","fields":{"2":"424242******4242","3":"000000","4":"000000010000","7":"1123132500","11":"123456","12":"132500","13":"1123","22":"051","25":"00","35":"424242******4242=********************","37":"123456789012","38":"ABC123","39":"96","41":"TERM0001","42":"MERCHANT0000001","49":"840"}}"#;

const CLEAR_JSON: &str = r#"{"mti":"0210","fields":{"2":"4242424242424242","3":"000000","4":"000000010000","7":"1123132500","11":"123456","12":"132500","13":"1123","22":"051","25":"00","35":"4242424242424242=29122011000000000000","37":"123456789012","38":"ABC123","39":"96","41":"TERM0001","42":"MERCHANT0000001","49":"840"}}"#;

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
37  Retrieval reference number (RRN)           an 12    12  123456789012
38  Authorization ID response (approval code)  an 6      6  ABC123
39  Response code                              an 2      2  96
41  Card acceptor terminal ID                  ans 8     8  TERM0001
42  Card acceptor ID (merchant ID)             ans 15   15  MERCHANT0000001
49  Transaction currency code                  an 3      3  840
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
    assert_eq!(SAMPLE.trim_end(), REF_0210);
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
    assert_eq!(
        r.stdout,
        format!(
            "{MASKED_JSON}\n{}\n",
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
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    assert_eq!(lines[0], MASKED_JSON);
    assert_eq!(
        lines[1],
        r#"{"error":{"kind":"length_out_of_range","field":35,"offset":87,"element":"DE35","message":"length 38 outside 0..=37","line":4}}"#
    );
    assert_eq!(lines[2], MASKED_JSON);
    assert_eq!(r.code, 1);

    let table = run(&["decode"], input.as_bytes());
    assert_eq!(
        table.stdout,
        format!(
            "{MASKED_TABLE}\nError    line 4: DE35 at byte 87: length 38 outside 0..=37 (length_out_of_range)\n\n{MASKED_TABLE}"
        )
    );
    assert_eq!(table.code, 1);
}

#[test]
fn reports_invalid_content_with_its_offset() {
    // A letter in DE4 (bytes 44..56) at byte 50.
    let mut bad = REF_0210.as_bytes().to_vec();
    bad[50] = b'X';
    let r = run(&["decode", "--format", "json", "--input", "text"], &bad);
    assert_eq!(
        r.stdout,
        "{\"error\":{\"kind\":\"invalid_content\",\"field\":4,\"offset\":50,\"element\":\"DE4\",\"message\":\"content breaks class n\",\"line\":1}}\n"
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
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            r#"{"error":{"kind":"invalid_content","field":2,"offset":null,"element":"DE2","message":"character at position 6 breaks class n","line":1}}"#,
            hex(REF_0210.as_bytes()).as_str(),
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
            "iso8583: bad spec file {}: field 52: class b takes encoding binary, ascii-hex, ebcdic-hex or bcd (hex nibbles)\n",
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
    assert_eq!(r.stdout.trim_end(), MASKED_JSON);
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
