//! Text tables stay aligned when they hold Chinese text, and human output names things in
//! words, without snake_case tokens.
//!
//! Widths are measured here by an oracle of our own, independent of the code under test: a
//! character of the CJK and Hangul blocks and the full-width forms takes two terminal columns,
//! every other character one.
#![cfg(feature = "cli")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::process::Command;

use iso8583_wire::response::{classify, Dialect, Lang, Tally};

/// Terminal columns of one character, for the text these tables hold.
fn columns(c: char) -> usize {
    let wide = matches!(u32::from(c),
        0x1100..=0x115F
            | 0x2E80..=0x303E
            | 0x3041..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xA000..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6);
    if wide {
        2
    } else {
        1
    }
}

/// Terminal columns of a string.
fn width(s: &str) -> usize {
    s.chars().map(columns).sum()
}

/// A line as terminal cells: each character at its column, a wide one followed by a filler.
fn grid(line: &str) -> Vec<char> {
    let mut cells = Vec::new();
    for c in line.chars() {
        cells.push(c);
        cells.extend(std::iter::repeat_n('\u{0}', columns(c) - 1));
    }
    cells
}

fn cell(grid: &[char], col: usize) -> char {
    grid.get(col).copied().unwrap_or(' ')
}

fn run(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_iso8583"))
        .args(args)
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// A spec whose field names are Chinese (and one English), of different widths.
const ZH_SPEC: &str = r#"
name = "zh-names"
description = "Field names in Chinese"
[message]
mti_encoding = "ascii"
bitmap_encoding = "ascii-hex"
[defaults]
encoding = "ascii"
prefix_encoding = "ascii"
[fields.3]
name = "交易处理码"
class = "n"
length = 6
[fields.11]
name = "受卡方系统跟踪号"
class = "n"
length = 6
[fields.39]
name = "应答码"
class = "an"
length = 2
[fields.41]
name = "Terminal ID"
class = "ans"
length = 8
"#;

/// Fields 3, 11, 39 (`96`) and 41 under that spec.
const ZH_MESSAGE: &str = "0210202000000280000000000012345696TERM0001";

/// Checks that every row of the field table of a `decode` output starts its Format and Value
/// columns, and ends its Len column, where the header does. Returns the rows checked.
fn assert_field_table_aligned(out: &str) -> usize {
    let mut lines = out.lines().skip_while(|l| !l.starts_with("DE  Name"));
    let header = lines.next().expect("a header line");
    let at = |name: &str| width(&header[..header.find(name).expect(name)]);
    let (format, len_end, value) = (at("Format"), at("Len") + "Len".len(), at("Value"));
    let mut rows = 0;
    for line in lines.take_while(|l| !l.is_empty()) {
        let g = grid(line);
        // Subfield rows have no format of their own; every other cell is checked.
        if cell(&g, format) != ' ' {
            assert_eq!(
                (cell(&g, format - 2), cell(&g, format - 1)),
                (' ', ' '),
                "Format column of {line:?}"
            );
        }
        assert!(
            cell(&g, len_end - 1).is_ascii_digit() && cell(&g, len_end) == ' ',
            "Len column of {line:?}"
        );
        assert!(
            cell(&g, value - 1) == ' ' && cell(&g, value) != ' ',
            "Value column of {line:?}"
        );
        rows += 1;
    }
    rows
}

#[test]
fn aligns_a_field_table_with_chinese_names() {
    let dir = std::env::temp_dir().join(format!("iso8583-align-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("zh-names.toml");
    std::fs::write(&spec, ZH_SPEC).unwrap();
    let out = run(&[
        "decode",
        "--spec-file",
        spec.to_str().unwrap(),
        "--input",
        "text",
        "--lang",
        "zh",
        "--dialect",
        "cup",
        ZH_MESSAGE,
    ]);
    assert_eq!(assert_field_table_aligned(&out), 4, "{out}");
    // The widest name, eight Chinese characters, sets the width of the Name column.
    assert!(
        out.contains("\n11  受卡方系统跟踪号  n 6       6  123456\n"),
        "{out}"
    );
    assert!(
        out.contains("\n 3  交易处理码        n 6       6  000000\n"),
        "{out}"
    );
    // The diagnosis is in sentences, in Chinese, with no snake_case token.
    assert!(
        out.contains("应答码 96：（银联处理中心）系统异常、失效。类别：交换中心或主机故障。重试：不自动重试，按拒绝处理；如需再试，请作为新交易发起。冲正：不需要。"),
        "{out}"
    );
    assert_eq!(snake_token(&out), None, "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn aligns_the_field_table_of_the_unionpay_sample() {
    // Field 55 of the built-in UnionPay spec is named "ICC data (IC卡数据域)".
    let sample = include_str!("../specs/samples/cup-pos-tpdu-0200.hex");
    let out = run(&[
        "decode",
        "--frame",
        "binary2",
        "--spec",
        "cup-pos-tpdu",
        sample.trim(),
    ]);
    assert!(out.contains("IC卡数据域"), "{out}");
    assert!(assert_field_table_aligned(&out) > 20, "{out}");
}

/// The display column where the `n`th white-space separated token of `line` ends.
fn token_end(line: &str, n: usize) -> usize {
    let mut seen = 0;
    let mut in_token = false;
    for (i, c) in line.char_indices() {
        if c.is_whitespace() {
            if in_token {
                seen += 1;
                if seen == n {
                    return width(&line[..i]);
                }
            }
            in_token = false;
        } else {
            in_token = true;
        }
    }
    width(line)
}

#[test]
fn aligns_the_chinese_stats_report() {
    let mut tally = Tally::new();
    for code in [&b"00"[..], b"00", b"96", b"51", b"98", b"A0"] {
        tally.record(classify(Dialect::ChinaUnionPay, Some(b"0210"), code));
    }
    tally.record_decode_failure();
    tally.record_no_field_39(Some(b"0210"));
    let text = tally.render(Lang::Zh);
    let blocks: Vec<&str> = text.split("\n\n").collect();
    assert_eq!(blocks.len(), 3, "{text}");
    // Totals: the label, then the count. The counts end in one column.
    let ends: Vec<usize> = blocks[0].lines().map(|l| token_end(l, 2)).collect();
    assert_eq!(ends.len(), 5, "{text}");
    assert!(ends.iter().all(|&e| e == ends[0]), "{ends:?}\n{text}");
    // Categories (under their heading): the title, then the count.
    let ends: Vec<usize> = blocks[1].lines().skip(1).map(|l| token_end(l, 2)).collect();
    assert_eq!(ends.len(), 5, "{text}");
    assert!(ends.iter().all(|&e| e == ends[0]), "{ends:?}\n{text}");
    // Codes: the code, the category, then the count.
    let ends: Vec<usize> = blocks[2].lines().skip(1).map(|l| token_end(l, 3)).collect();
    assert_eq!(ends.len(), 5, "{text}");
    assert!(ends.iter().all(|&e| e == ends[0]), "{ends:?}\n{text}");
    assert!(text.contains("交换中心或主机故障"), "{text}");
    assert_eq!(snake_token(&text), None, "{text}");
}

/// The first snake_case token (two lower-case ASCII words joined by `_`) of `text`.
fn snake_token(text: &str) -> Option<&str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .find(|w| {
            w.contains('_')
                && w.split('_')
                    .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        })
}

#[test]
fn writes_human_output_without_snake_case_tokens() {
    let sample = include_str!("../specs/samples/0210-declined-96.txt").trim();
    let cup = include_str!("../specs/samples/cup-pos-tpdu-0200.hex").trim();
    for args in [
        &["decode", sample][..],
        &["decode", "--lang", "zh", sample],
        &[
            "decode",
            "--frame",
            "binary2",
            "--spec",
            "cup-pos-tpdu",
            cup,
        ],
        &["explain", "96", "--dialect", "cup"],
        &["explain", "96", "--dialect", "cup", "--lang", "zh"],
        &["explain", "00"],
        &["explain", "--outcome", "no-response", "--lang", "zh"],
        &["explain", "98", "--mti", "0400", "--dialect", "cup"],
    ] {
        let out = run(args);
        assert_eq!(snake_token(&out), None, "{args:?}:\n{out}");
    }
    // The stats report, in both languages, over responses of several categories.
    let dir = std::env::temp_dir().join(format!("iso8583-words-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("day.log");
    let lines: Vec<String> = ["96", "00", "51", "05"]
        .iter()
        .map(|code| sample.replace("ABC12396", &format!("ABC123{code}")))
        .collect();
    std::fs::write(&log, lines.join("\n")).unwrap();
    for lang in ["en", "zh"] {
        let out = run(&["stats", "--lang", lang, log.to_str().unwrap()]);
        assert!(out.contains("51"), "{out}");
        assert_eq!(snake_token(&out), None, "stats --lang {lang}:\n{out}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
