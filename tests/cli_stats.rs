//! `iso8583 stats` on the sample day log: groups, the top of them, decode failures by kind,
//! the JSON keys and the HTML page.
#![cfg(feature = "cli")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

// The example that makes the sample log, compiled here to check the committed file.
#[allow(dead_code)]
#[path = "../examples/make_day_log.rs"]
mod make_day_log;

/// The sample day log.
const DAY: &str = "specs/samples/day.log";

/// The reference 0210 (DE39 `96`, DE7 `1123132500`) as its own characters.
const SAMPLE: &str = include_str!("../specs/samples/0210-declined-96.txt");

/// The reference 0210 (DE39 `96`) as upper-case hex.
const SAMPLE_HEX: &str = include_str!("../specs/samples/0210-declined-96.hex");

/// How a run ended. The day log and the garbage logs hold lines that do not decode: their runs
/// go through (the status is not 2, a usage or I/O error), and the status tells only whether
/// every line decoded.
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

/// `stats --format json` of the day log with `extra` arguments.
fn day_json(extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["stats", "--format", "json"];
    args.extend_from_slice(extra);
    args.push(DAY);
    let r = run(&args, b"");
    assert_eq!(r.stderr, "");
    assert_ne!(r.code, 2, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

/// The group of `v["groups"]` with these values of its dimensions.
fn group<'v>(v: &'v serde_json::Value, key: &[(&str, serde_json::Value)]) -> &'v serde_json::Value {
    v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| key.iter().all(|(d, value)| g[*d] == *value))
        .unwrap()
}

/// A fresh directory in the temporary directory, unique to this test process and `name`.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iso8583-stats-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn sample_day_log_is_what_the_example_writes() {
    let committed = std::fs::read_to_string(DAY).unwrap();
    assert_eq!(committed, make_day_log::day_log().unwrap());
    // 2 comment lines, 2,021 messages and 11 damaged lines.
    assert_eq!(committed.lines().count(), 2_034);
    assert!(committed.len() < 500_000, "{} bytes", committed.len());
}

#[test]
fn groups_the_day_by_each_dimension() {
    let s = |x: &str| serde_json::Value::from(x);
    // By terminal: 40 terminals and the switch's 32 echo tests, which have none.
    let v = day_json(&["--by", "terminal", "--top", "0"]);
    assert_eq!(v["group_by"], serde_json::json!(["terminal"]));
    assert_eq!(v["groups_total"], 41);
    assert_eq!(v["groups"].as_array().unwrap().len(), 41);
    let t = group(&v, &[("terminal", s("T0060003"))]);
    assert_eq!(
        (&t["messages"], &t["approved"], &t["not_approved"]),
        (&119.into(), &102.into(), &17.into())
    );
    let none = group(&v, &[("terminal", serde_json::Value::Null)]);
    assert_eq!(
        (&none["messages"], &none["approved"]),
        (&32.into(), &32.into())
    );
    // The busiest first.
    assert_eq!(v["groups"][0]["terminal"], "T0010002");
    assert_eq!(v["groups"][0]["messages"], 141);

    let v = day_json(&["--by", "merchant"]);
    assert_eq!(v["groups_total"], 13);
    assert_eq!(v["groups"][0]["merchant"], "MER000000000001");
    assert_eq!(v["groups"][0]["messages"], 470);
    assert_eq!(v["groups"][0]["approved"], 425);

    let v = day_json(&["--by", "mti"]);
    assert_eq!(v["groups_total"], 4);
    let mtis: Vec<(String, u64)> = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["mti"].as_str().unwrap().to_owned(),
                g["messages"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        mtis,
        [
            ("0210".to_owned(), 1717),
            ("0110".to_owned(), 215),
            ("0410".to_owned(), 57),
            ("0810".to_owned(), 32)
        ]
    );

    let v = day_json(&["--by", "hour", "--top", "0"]);
    assert_eq!(v["groups_total"], 24);
    let noon = group(&v, &[("hour", 12.into())]);
    assert_eq!(
        (&noon["messages"], &noon["approved"]),
        (&207.into(), &185.into())
    );
    assert_eq!(v["groups"][0]["hour"], 19);
    assert_eq!(v["groups"][0]["messages"], 226);

    let v = day_json(&["--by", "code", "--top", "0"]);
    assert_eq!(v["groups_total"], 16);
    let nsf = group(&v, &[("code", s("51"))]);
    assert_eq!(
        (&nsf["messages"], &nsf["not_approved"]),
        (&65.into(), &65.into())
    );

    let v = day_json(&["--by", "category"]);
    assert_eq!(v["groups_total"], 8);
    let card = group(&v, &[("category", s("card_account"))]);
    assert_eq!(card["messages"], 174);
    assert_eq!(v["groups"][0]["category"], "approved");
    assert_eq!(v["groups"][0]["messages"], 1783);
}

#[test]
fn groups_by_a_combination_and_keeps_the_top() {
    let v = day_json(&["--by", "terminal", "--by", "hour", "--top", "3"]);
    assert_eq!(v["group_by"], serde_json::json!(["terminal", "hour"]));
    assert_eq!(v["groups_total"], 657);
    let top: Vec<(String, u64, u64)> = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["terminal"].as_str().unwrap().to_owned(),
                g["hour"].as_u64().unwrap(),
                g["messages"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        top,
        [
            ("T0010002".to_owned(), 19, 20),
            ("T0010002".to_owned(), 18, 16),
            ("T0010002".to_owned(), 12, 15)
        ]
    );
    assert_eq!(v["groups"][0]["approved"], 18);
    assert_eq!(v["groups"][0]["not_approved"], 2);
    // The terminal on a bad line, in the evening: 5 messages, 1 of them failed.
    let v = day_json(&["--by", "terminal", "--by", "hour", "--top", "0"]);
    let bad = group(&v, &[("terminal", "T0070002".into()), ("hour", 19.into())]);
    assert_eq!(
        (&bad["messages"], &bad["not_approved"]),
        (&5.into(), &1.into())
    );

    // The same in text: the heading, the columns and the first rows.
    let r = run(
        &[
            "stats", "--by", "hour", "--by", "category", "--top", "2", DAY,
        ],
        b"",
    );
    assert_ne!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stdout.ends_with(
            "\n\nby hour, category: the first 2 of 82 groups, most messages first\n\
             hour  category  messages  share  approved  not approved  no field 39\n\
             19    Approved       198   9.8%       198             0            0\n\
             12    Approved       185   9.2%       185             0            0\n"
        ),
        "{}",
        r.stdout
    );
    // A dimension given twice is a usage error.
    let r = run(&["stats", "--by", "hour", "--by", "hour", DAY], b"");
    assert_eq!(r.code, 2);
    assert_eq!(r.stderr, "iso8583: --by hour is given twice\n");
}

/// Lines of known failures: a comment, then a good message, `ZZ`, three bytes, an MTI of
/// letters, a blank line, a good message, `ABC`, a message with a byte too many and six more
/// MTIs of letters.
fn garbage_log() -> String {
    let good = SAMPLE_HEX.trim_end();
    let letters = format!("41424344{}", &good[8..]);
    let mut log =
        format!("# known garbage\n{good}\nZZ\n303230\n{letters}\n\n{good}\nABC\n{good}00\n");
    for _ in 0..6 {
        log.push_str(&letters);
        log.push('\n');
    }
    log
}

#[test]
fn breaks_decode_failures_down_by_kind_with_line_numbers() {
    let r = run(
        &["stats", "--input", "hex", "--format", "json"],
        garbage_log().as_bytes(),
    );
    assert_ne!(r.code, 2, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["messages"], 13);
    assert_eq!(v["decode_failures"], 11);
    let kinds = v["decode_failure_kinds"].as_array().unwrap();
    assert_eq!(
        kinds_of(&v),
        [
            ("invalid_mti".to_owned(), 7, vec![5, 10, 11, 12, 13]),
            ("invalid_hex".to_owned(), 2, vec![3, 8]),
            ("trailing_bytes".to_owned(), 1, vec![9]),
            ("truncated".to_owned(), 1, vec![4]),
        ]
    );
    assert_eq!(kinds[0]["share"], 7.0 / 11.0);
    assert_eq!(
        kinds[0]["first_error"],
        "MTI at byte 0: the MTI is not four decimal digits"
    );
    assert_eq!(
        kinds[1]["first_error"],
        "input at character 0: character 0 is not a hex digit"
    );
    assert!(kinds[2]["first_error"]
        .as_str()
        .unwrap()
        .starts_with("DE49 at byte 172: "));
    assert_eq!(
        kinds[3]["first_error"],
        "MTI at byte 0: needs 4 bytes but only 3 are left"
    );

    // The same in text, after the summary.
    let r = run(&["stats", "--input", "hex"], garbage_log().as_bytes());
    assert!(
        r.stdout.ends_with(
            "\n\ndecode failures by kind     count  share  first lines\n\
             MTI is not four digits          7  63.6%  5, 10, 11, 12, 13\n\
             not hex text                    2  18.2%  3, 8\n\
             bytes after the last field      1   9.1%  9\n\
             message cut short               1   9.1%  4\n"
        ),
        "{}",
        r.stdout
    );
    let zh = run(
        &["stats", "--input", "hex", "--lang", "zh"],
        garbage_log().as_bytes(),
    );
    assert!(
        zh.stdout.contains("\n\n解码失败类型              数量   占比  最先出现的行\nMTI 不是四位数字             7  63.6%  5, 10, 11, 12, 13\n"),
        "{}",
        zh.stdout
    );
}

/// `(kind, count, first lines)` of each kind of failure in a JSON report.
fn kinds_of(v: &serde_json::Value) -> Vec<(String, u64, Vec<u64>)> {
    v["decode_failure_kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["kind"].as_str().unwrap().to_owned(),
                k["count"].as_u64().unwrap(),
                k["first_lines"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|n| n.as_u64().unwrap())
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn names_the_damaged_lines_of_the_day() {
    // Read as hex: 7 lines lost a digit, 4 were cut short.
    let v = day_json(&["--input", "hex"]);
    assert_eq!(
        kinds_of(&v),
        [
            (
                "invalid_hex".to_owned(),
                7,
                vec![585, 1014, 1137, 1294, 1499]
            ),
            ("truncated".to_owned(), 4, vec![315, 693, 711, 1884]),
        ]
    );
    // Read either way, a line cut short is still a hex message cut short: its hex reading
    // gets further into the line than reading its digits as characters. The lines of an odd
    // number of digits can only be read as characters.
    let v = day_json(&[]);
    assert_eq!(
        kinds_of(&v),
        [
            (
                "invalid_content".to_owned(),
                7,
                vec![585, 1014, 1137, 1294, 1499]
            ),
            ("truncated".to_owned(), 4, vec![315, 693, 711, 1884]),
        ]
    );
    assert_eq!(
        v["decode_failure_kinds"][1]["first_error"],
        "DE12 at byte 54: needs 6 bytes but only 1 is left"
    );
}

#[test]
fn keeps_the_summary_keys_and_adds_new_ones_after_them() {
    let r = run(&["stats", "--format", "json", "--by", "code", DAY], b"");
    let out = &r.stdout;
    let at = |key: &str| out.find(&format!("\"{key}\":")).unwrap();
    let keys = [
        "messages",
        "decode_failures",
        "responses_without_field_39",
        "requests_without_field_39",
        "diagnosed",
        "categories",
        "codes",
        "decode_failure_kinds",
        "group_by",
        "groups_total",
        "groups",
    ];
    let places: Vec<usize> = keys.iter().map(|k| at(k)).collect();
    assert!(places.windows(2).all(|w| w[0] < w[1]), "{places:?}");
    assert!(out.starts_with("{\"messages\":2032,\"decode_failures\":11,"));
    let v: serde_json::Value = serde_json::from_str(out).unwrap();
    let row = v["groups"][0].as_object().unwrap();
    let row_keys: Vec<&str> = row.keys().map(String::as_str).collect();
    let mut expected = vec![
        "approved",
        "code",
        "messages",
        "not_approved",
        "share",
        "without_field_39",
    ];
    expected.sort_unstable();
    assert_eq!(row_keys, expected);
    assert_eq!(v["groups"][0]["share"], 1783.0 / 2021.0);
    // Without --by there are no group keys, and a clean input has an empty list of kinds.
    let clean = run(&["stats", "--format", "json"], SAMPLE_HEX.as_bytes());
    let v: serde_json::Value = serde_json::from_str(&clean.stdout).unwrap();
    assert_eq!(v["decode_failure_kinds"], serde_json::json!([]));
    assert!(v.get("groups").is_none() && v.get("group_by").is_none());
}

#[test]
fn puts_messages_without_a_valid_hour_in_the_group_none() {
    let sample = SAMPLE.trim_end();
    // DE7 with the hour 25; a 0210 with field 39 only (no DE7, no terminal); the sample.
    let log = format!(
        "{}\n0210000000000200000096\n{sample}\n",
        sample.replacen("1123132500", "1123252500", 1)
    );
    let r = run(
        &["stats", "--format", "json", "--by", "hour"],
        log.as_bytes(),
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        v["groups"],
        serde_json::json!([
            {"hour": null, "messages": 2, "share": 2.0 / 3.0, "approved": 0, "not_approved": 2, "without_field_39": 0},
            {"hour": 13, "messages": 1, "share": 1.0 / 3.0, "approved": 0, "not_approved": 1, "without_field_39": 0},
        ])
    );
    let r = run(&["stats", "--by", "terminal", "--top", "1"], log.as_bytes());
    assert!(
        r.stdout.ends_with(
            "\nterminal  messages  share  approved  not approved  no field 39\n\
             TERM0001         2  66.7%         0             2            0\n"
        ),
        "{}",
        r.stdout
    );
    let r = run(&["stats", "--by", "terminal", "--top", "0"], log.as_bytes());
    assert!(
        r.stdout
            .ends_with("\n(none)           1  33.3%         0             1            0\n"),
        "{}",
        r.stdout
    );
}

/// Occurrences of `needle` in `hay`.
fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

#[test]
fn writes_a_self_contained_html_page() {
    let dir = temp_dir("html");
    let page = dir.join("day.html");
    let r = run(
        &["stats", "--top", "5", "--html", page.to_str().unwrap(), DAY],
        b"",
    );
    assert_eq!(r.stderr, "");
    assert_ne!(r.code, 2, "{}", r.stderr);
    // The report still goes to standard output.
    assert!(r.stdout.starts_with("messages"));
    // Only the page: the temporary file it was written to is gone.
    assert_eq!(names_in(&dir), ["day.html"]);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(html.ends_with("</body>\n</html>\n"));
    // Nothing from elsewhere, nothing to run.
    for banned in [
        "<script", "http", "src=", "url(", "@import", "<link", "<img",
    ] {
        assert_eq!(count(&html, banned), 0, "{banned}");
    }
    // Three charts, each an SVG of its own.
    assert_eq!(count(&html, "<svg "), 3);
    assert_eq!(count(&html, "</svg>"), 3);
    let charts: Vec<&str> = html
        .split("<svg ")
        .skip(1)
        .map(|s| s.split("</svg>").next().unwrap())
        .collect();
    let bars: Vec<usize> = charts
        .iter()
        .map(|c| count(c, "<rect class=\"bar\""))
        .collect();
    // 24 hours; the 7 categories other than approved seen in the day; the top 5 terminals.
    assert_eq!(bars, [24, 7, 5]);
    assert!(charts[0].contains("<title>12: 22</title>"));
    assert!(charts[0].contains("<title>19: 28</title>"));
    assert!(charts[0].contains("<title>01: 0</title>"));
    assert!(charts[1].contains("<title>Card or account: 174</title>"));
    let terminals: Vec<&str> = charts[2]
        .split("<title>")
        .skip(1)
        .map(|t| t.split("</title>").next().unwrap())
        .collect();
    assert_eq!(
        terminals,
        [
            "T0060003: 17",
            "T0040002: 13",
            "T0070002: 12",
            "T0010006: 11",
            "T0010002: 10"
        ]
    );
    // Every element opened is closed.
    for tag in [
        "html", "head", "body", "table", "svg", "title", "h1", "h2", "p",
    ] {
        assert_eq!(
            count(&html, &format!("<{tag}>")) + count(&html, &format!("<{tag} ")),
            count(&html, &format!("</{tag}>")),
            "{tag}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn rejects_an_html_path_that_cannot_be_written() {
    let dir = temp_dir("html-missing");
    let page = dir.join("no-such-dir").join("day.html");
    let r = run(&["stats", "--html", page.to_str().unwrap(), DAY], b"");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with(&format!("iso8583: cannot write {}: ", page.display())),
        "{}",
        r.stderr
    );
    assert!(names_in(&dir).is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn shows_no_progress_bar_when_standard_error_is_not_a_terminal() {
    let r = run(&["stats", DAY], b"");
    assert_ne!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.stderr, "");
}

#[test]
fn lenient_stats_count_the_message_and_report_its_violation_by_rule() {
    let spec = iso8583_wire::Spec::builtin("iso8583-1987-ascii").unwrap();
    let wire = SAMPLE.trim_end();
    let at = iso8583_wire::MessageView::decode(spec, wire.as_bytes())
        .unwrap()
        .field(4)
        .unwrap()
        .offset()
        + 3;
    let mut bad = wire.as_bytes().to_vec();
    bad[at] = b'A';
    let log = [wire.as_bytes(), b"\n", &bad, b"\n"].concat();

    let strict = run(&["stats", "--format", "json"], &log);
    let strict: serde_json::Value = serde_json::from_str(&strict.stdout).unwrap();
    assert_eq!(strict["decode_failures"], 1);
    assert!(strict.get("content_violations").is_none());

    let r = run(&["stats", "--format", "json", "--lenient"], &log);
    // Every line decoded (leniently): status 0; strictly, one failed: status 1.
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(run(&["stats"], &log).code, 1);
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(json["messages"], 2);
    assert_eq!(json["decode_failures"], 0);
    assert_eq!(
        json["content_violations"],
        serde_json::json!([{
            "kind": "class",
            "count": 1,
            "share": 1.0,
            "first_lines": [2],
            "first_error": format!("DE4 at byte {at}: holds a character that class n does not allow (digits only)"),
        }])
    );

    let text = run(&["stats", "--lenient"], &log).stdout;
    assert!(
        text.contains("content violations (lenient decoding)"),
        "{text}"
    );
    assert!(text.contains("a byte breaks the field's class"), "{text}");
}

#[test]
fn lenient_decode_shows_the_message_with_its_violation() {
    let wire = SAMPLE.trim_end();
    let mut bad = wire.as_bytes().to_vec();
    // DE4 of the sample starts at byte 44: a letter in its fourth digit.
    bad[47] = b'A';
    let strict = run(&["decode", "--input", "text", "--format", "json"], &bad);
    assert_eq!(strict.code, 1);
    assert_eq!(strict.stdout, "");
    let r = run(
        &["decode", "--input", "text", "--format", "json", "--lenient"],
        &bad,
    );
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(json["fields"]["39"], "96");
    assert_eq!(
        json["violations"],
        serde_json::json!([{
            "element": "DE4",
            "offset": 47,
            "rule": "class",
            "message": "DE4 at byte 47: holds a character that class n does not allow (digits only)",
        }])
    );
    let text = run(&["decode", "--input", "text", "--lenient"], &bad).stdout;
    assert!(
        text.ends_with("Violation  DE4 at byte 47: holds a character that class n does not allow (digits only)\n"),
        "{text}"
    );
}

#[test]
fn stats_of_an_empty_input_say_so_and_fail() {
    let r = run(&["stats"], b"");
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr, "iso8583: the input holds no message\n");
}
