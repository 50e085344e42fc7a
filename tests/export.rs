//! Export to Arrow: the batch builder's columns, and `iso8583 export` writing Parquet, Arrow
//! IPC and CSV files that read back with the arrow and parquet crates.
#![cfg(feature = "export")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use arrow_array::cast::AsArray;
use arrow_array::types::{Int64Type, TimestampSecondType, UInt64Type};
use arrow_array::RecordBatch;
use arrow_schema::{DataType, TimeUnit};
use iso8583_wire::export::{BatchBuilder, BatchWriter, Format, BATCH_ROWS};
use iso8583_wire::response::{Dialect, ResponseTable};
use iso8583_wire::{MessageView, Spec};

/// The reference 0210 (DE39 `96`) as its own ASCII characters, one line.
const SAMPLE: &str = include_str!("../specs/samples/0210-declined-96.txt");

/// The reference 0210 with its response code replaced.
fn sample_with_code(code: &str) -> String {
    SAMPLE
        .trim_end()
        .replace("ABC12396", &format!("ABC123{code}"))
}

fn spec() -> &'static Spec {
    Spec::builtin("iso8583-1987-ascii").unwrap()
}

fn text<'b>(batch: &'b RecordBatch, name: &str) -> Vec<Option<&'b str>> {
    batch
        .column_by_name(name)
        .expect("a column of that name")
        .as_string::<i32>()
        .iter()
        .collect()
}

fn u64s(batch: &RecordBatch, name: &str) -> Vec<Option<u64>> {
    batch
        .column_by_name(name)
        .unwrap()
        .as_primitive::<UInt64Type>()
        .iter()
        .collect()
}

fn amounts(batch: &RecordBatch) -> Vec<Option<i64>> {
    batch
        .column_by_name("amount_minor")
        .unwrap()
        .as_primitive::<Int64Type>()
        .iter()
        .collect()
}

fn bools(batch: &RecordBatch, name: &str) -> Vec<Option<bool>> {
    batch
        .column_by_name(name)
        .unwrap()
        .as_boolean()
        .iter()
        .collect()
}

/// Checks the two rows of the sample (line 1) and a garbage line (line 3).
fn assert_sample_and_garbage(batch: &RecordBatch) {
    assert_eq!(batch.num_rows(), 2);
    assert_eq!(u64s(batch, "line"), [Some(1), Some(3)]);
    assert_eq!(text(batch, "mti"), [Some("0210"), None]);
    assert_eq!(text(batch, "stan"), [Some("123456"), None]);
    assert_eq!(text(batch, "rrn"), [Some("123456789012"), None]);
    assert_eq!(text(batch, "terminal"), [Some("TERM0001"), None]);
    assert_eq!(text(batch, "merchant"), [Some("MERCHANT0000001"), None]);
    assert_eq!(amounts(batch), [Some(10_000), None]);
    assert_eq!(text(batch, "currency"), [Some("840"), None]);
    assert_eq!(text(batch, "pan_first6"), [Some("424242"), None]);
    assert_eq!(text(batch, "pan_last4"), [Some("4242"), None]);
    assert_eq!(text(batch, "response_code"), [Some("96"), None]);
    assert_eq!(text(batch, "category"), [Some("switch_fault"), None]);
    assert_eq!(text(batch, "responsible"), [Some("switch"), None]);
    assert_eq!(text(batch, "retry"), [Some("later"), None]);
    assert_eq!(bools(batch, "reversal_due"), [Some(false), None]);
    assert_eq!(text(batch, "error_kind"), [None, Some("invalid_mti")]);
    assert_eq!(text(batch, "error_element"), [None, Some("MTI")]);
    assert_eq!(u64s(batch, "error_offset"), [None, Some(0)]);
}

/// No column of a batch holds the clear card number, whatever its type.
fn assert_no_clear_pan(bytes: &[u8]) {
    let pan = b"4242424242424242";
    assert!(
        !bytes.windows(pan.len()).any(|w| w == pan),
        "the clear PAN is in the output"
    );
}

#[test]
fn builds_typed_columns_from_views_and_errors() {
    let mut rows = BatchBuilder::new(Dialect::Iso8583_1987);
    let wire = SAMPLE.trim_end();
    rows.push(1, &MessageView::decode(spec(), wire.as_bytes()).unwrap());
    let err = MessageView::decode(spec(), b"not a message").unwrap_err();
    rows.push_error(3, &err);
    assert_eq!(rows.len(), 2);
    let batch = rows.finish().unwrap();
    assert!(rows.is_empty());
    assert_eq!(batch.schema(), rows.schema());
    assert_eq!(
        batch
            .schema()
            .field_with_name("transmission_time")
            .unwrap()
            .data_type(),
        &DataType::Utf8
    );
    assert_sample_and_garbage(&batch);
    assert_eq!(
        text(&batch, "transmission_time"),
        [Some("1123132500"), None]
    );
}

/// The sample with a letter in DE4 (class `n`): refused strictly, read leniently.
fn sample_with_bad_amount() -> (String, usize) {
    let wire = SAMPLE.trim_end();
    let at = MessageView::decode(spec(), wire.as_bytes())
        .unwrap()
        .field(4)
        .unwrap()
        .offset()
        + 3;
    let mut bad = wire.as_bytes().to_vec();
    bad[at] = b'A';
    (String::from_utf8(bad).unwrap(), at)
}

#[test]
fn a_lenient_row_lists_its_violations_and_a_strict_one_none() {
    let (bad, at) = sample_with_bad_amount();
    let mut violations = Vec::new();
    let view = MessageView::decode_lenient(spec(), bad.as_bytes(), &mut violations).unwrap();
    let mut rows = BatchBuilder::new(Dialect::Iso8583_1987);
    rows.push_lenient(7, &view, &violations);
    rows.push(
        8,
        &MessageView::decode(spec(), SAMPLE.trim_end().as_bytes()).unwrap(),
    );
    let batch = rows.finish().unwrap();
    let expected =
        format!("DE4 at byte {at}: holds a character that class n does not allow (digits only)");
    assert_eq!(text(&batch, "violations"), [Some(expected.as_str()), None]);
    assert_eq!(text(&batch, "response_code"), [Some("96"), Some("96")]);
    // The amount does not read as a number, so it is null; the rest of the row is there.
    assert_eq!(amounts(&batch), [None, Some(10000)]);
    assert_eq!(text(&batch, "error_kind"), [None, None]);
}

#[test]
fn writes_transmission_time_as_a_timestamp_with_a_year() {
    let mut rows = BatchBuilder::new(Dialect::Iso8583_1987).with_year(2026);
    rows.push(
        1,
        &MessageView::decode(spec(), SAMPLE.trim_end().as_bytes()).unwrap(),
    );
    // DE7 of 30 February: a valid message, but no valid time.
    let bad_date = SAMPLE.trim_end().replace("1123132500", "0230132500");
    rows.push(
        2,
        &MessageView::decode(spec(), bad_date.as_bytes()).unwrap(),
    );
    let batch = rows.finish().unwrap();
    let column = batch.column_by_name("transmission_time").unwrap();
    assert_eq!(
        column.data_type(),
        &DataType::Timestamp(TimeUnit::Second, Some("+00:00".into()))
    );
    let times: Vec<_> = column
        .as_primitive::<TimestampSecondType>()
        .iter()
        .collect();
    // 2026-11-23T13:25:00Z.
    assert_eq!(times, [Some(1_795_440_300), None]);
}

#[test]
fn reads_reversal_due_and_failures_before_decoding() {
    // A table of the caller's, over ISO 8583:1987, that asks for a reversal after 91.
    let table = ResponseTable::from_toml_str(
        r#"
dialect = "acquirer-x"
title = "Acquirer X"
base = "iso8583-1987"

[[code]]
code = "91"
meaning = "Issuer or switch inoperative"
meaning_zh = "发卡方或交换中心不能操作"
category = "timeout"
responsible = "issuer"
retry = "after_reversal"
reversal = true
prompt = "Declined: issuer unavailable"
prompt_zh = "发卡方不可用"
"#,
    )
    .unwrap();
    let mut rows = BatchBuilder::with_table(&table);
    let reversed = sample_with_code("91");
    rows.push(
        7,
        &MessageView::decode(spec(), reversed.as_bytes()).unwrap(),
    );
    rows.push(
        8,
        &MessageView::decode(spec(), SAMPLE.trim_end().as_bytes()).unwrap(),
    );
    rows.push_failure(9, "invalid_hex", Some(4));
    let batch = rows.finish().unwrap();
    assert_eq!(u64s(&batch, "line"), [Some(7), Some(8), Some(9)]);
    assert_eq!(
        text(&batch, "response_code"),
        [Some("91"), Some("96"), None]
    );
    assert_eq!(
        text(&batch, "category"),
        [Some("timeout"), Some("switch_fault"), None]
    );
    assert_eq!(
        text(&batch, "retry"),
        [Some("after_reversal"), Some("later"), None]
    );
    assert_eq!(
        bools(&batch, "reversal_due"),
        [Some(true), Some(false), None]
    );
    assert_eq!(
        text(&batch, "error_kind"),
        [None, None, Some("invalid_hex")]
    );
    assert_eq!(text(&batch, "error_element"), [None, None, None]);
    assert_eq!(u64s(&batch, "error_offset"), [None, None, Some(4)]);
}

#[test]
fn shows_only_the_ends_of_short_and_track_only_card_numbers() {
    // DE2 of 10 digits: only the last 4 may be shown.
    let short = SAMPLE
        .trim_end()
        .replacen("164242424242424242", "101234567890", 1);
    // No DE2 (bit 2 off: 72 -> 32): the number comes from track 2.
    let track_only =
        SAMPLE
            .trim_end()
            .replacen("723804802EC08000164242424242424242", "323804802EC08000", 1);
    let mut rows = BatchBuilder::new(Dialect::Iso8583_1987);
    rows.push(1, &MessageView::decode(spec(), short.as_bytes()).unwrap());
    rows.push(
        2,
        &MessageView::decode(spec(), track_only.as_bytes()).unwrap(),
    );
    let batch = rows.finish().unwrap();
    assert_eq!(text(&batch, "pan_first6"), [None, Some("424242")]);
    assert_eq!(text(&batch, "pan_last4"), [Some("7890"), Some("4242")]);
}

#[test]
fn finishes_batches_of_bounded_size() {
    let view = MessageView::decode(spec(), SAMPLE.trim_end().as_bytes()).unwrap();
    let mut rows = BatchBuilder::new(Dialect::Iso8583_1987);
    let mut out = BatchWriter::new(Format::Parquet, Vec::new(), &rows.schema()).unwrap();
    let mut sizes = Vec::new();
    for line in 1..=(BATCH_ROWS as u64 + 10) {
        rows.push(line, &view);
        if rows.len() == BATCH_ROWS {
            let batch = rows.finish().unwrap();
            sizes.push(batch.num_rows());
            out.write(&batch).unwrap();
        }
    }
    let last = rows.finish().unwrap();
    sizes.push(last.num_rows());
    out.write(&last).unwrap();
    assert_eq!(sizes, [BATCH_ROWS, 10]);
    assert_eq!(out.rows(), BATCH_ROWS as u64 + 10);
    let bytes = out.finish().unwrap();
    assert_no_clear_pan(&bytes);
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
        bytes::Bytes::from(bytes),
    )
    .unwrap();
    assert_eq!(
        reader.metadata().file_metadata().num_rows(),
        BATCH_ROWS as i64 + 10
    );
    let batches: Vec<_> = reader.build().unwrap().map(Result::unwrap).collect();
    let last_line = batches
        .last()
        .map(|b| u64s(b, "line").last().copied().flatten());
    assert_eq!(last_line, Some(Some(BATCH_ROWS as u64 + 10)));
}

#[cfg(feature = "cli")]
mod cli {
    use super::*;
    use std::fs::File;
    use std::path::{Path, PathBuf};
    use std::process::{Command, Output};

    /// A directory of its own for each test, in the temporary directory, removed with all it
    /// holds when the test ends.
    struct TestDir(PathBuf);

    impl Drop for TestDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    impl std::ops::Deref for TestDir {
        type Target = Path;

        fn deref(&self) -> &Path {
            &self.0
        }
    }

    fn fresh_dir(name: &str) -> TestDir {
        let dir =
            std::env::temp_dir().join(format!("iso8583-export-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TestDir(dir)
    }

    /// The sample, a comment, a garbage line: rows for lines 1 and 3.
    fn small_log(dir: &Path) -> PathBuf {
        let log = dir.join("day.log");
        std::fs::write(&log, format!("{}# a comment\nnot a message\n", SAMPLE)).unwrap();
        log
    }

    fn export(args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_iso8583"))
            .arg("export")
            .args(args)
            .output()
            .unwrap()
    }

    fn files_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn lenient_export_keeps_the_message_and_names_its_violation() {
        let dir = fresh_dir("lenient");
        let log = dir.join("bad.log");
        let (bad, at) = super::sample_with_bad_amount();
        std::fs::write(&log, format!("{bad}\n")).unwrap();
        let strict_out = dir.join("strict.csv");
        let lenient_out = dir.join("lenient.csv");
        for (out, lenient) in [(&strict_out, false), (&lenient_out, true)] {
            let mut args = vec!["--format", "csv", "--out", out.to_str().unwrap()];
            if lenient {
                args.push("--lenient");
            }
            args.push(log.to_str().unwrap());
            let run = export(&args);
            assert_eq!(run.status.code(), Some(if lenient { 0 } else { 1 }));
        }
        let strict = std::fs::read_to_string(&strict_out).unwrap();
        assert!(strict.contains(",invalid_content,DE4,"), "{strict}");
        let lenient = std::fs::read_to_string(&lenient_out).unwrap();
        let row = lenient.lines().nth(1).unwrap();
        assert!(row.starts_with("1,0210,"), "{row}");
        assert!(
            row.ends_with(&format!(
                ",,,,DE4 at byte {at}: holds a character that class n does not allow (digits only)"
            )),
            "{row}"
        );
    }

    #[test]
    fn exports_parquet_that_reads_back() {
        let dir = fresh_dir("parquet");
        let log = small_log(&dir);
        let out = dir.join("day.parquet");
        let run = export(&[
            "--format",
            "parquet",
            "--out",
            out.to_str().unwrap(),
            log.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8(run.stderr).unwrap();
        // One line did not decode: the file is complete, the status says so.
        assert_eq!(run.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("2 rows"), "{stderr}");
        assert!(run.stdout.is_empty());
        assert_no_clear_pan(&std::fs::read(&out).unwrap());
        let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
            File::open(&out).unwrap(),
        )
        .unwrap()
        .build()
        .unwrap();
        let batches: Vec<_> = reader.map(Result::unwrap).collect();
        assert_eq!(batches.len(), 1);
        assert_sample_and_garbage(&batches[0]);
        assert_eq!(files_in(&dir), ["day.log", "day.parquet"]);
    }

    #[test]
    fn exports_arrow_ipc_and_csv_from_standard_input() {
        let dir = fresh_dir("ipc-csv");
        let log = std::fs::read(small_log(&dir)).unwrap();
        let arrow = dir.join("day.arrow");
        let csv = dir.join("day.csv");
        for (format, out) in [("arrow", &arrow), ("csv", &csv)] {
            let mut child = Command::new(env!("CARGO_BIN_EXE_iso8583"))
                .args(["export", "--format", format, "--year", "2026", "--out"])
                .arg(out)
                .stdin(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            std::io::Write::write_all(&mut child.stdin.take().unwrap(), &log).unwrap();
            let run = child.wait_with_output().unwrap();
            assert_eq!(run.status.code(), Some(1), "{format}");
        }
        let reader =
            arrow_ipc::reader::FileReader::try_new(File::open(&arrow).unwrap(), None).unwrap();
        let batches: Vec<_> = reader.map(Result::unwrap).collect();
        assert_eq!(batches.len(), 1);
        assert_sample_and_garbage(&batches[0]);
        let times: Vec<_> = batches[0]
            .column_by_name("transmission_time")
            .unwrap()
            .as_primitive::<TimestampSecondType>()
            .iter()
            .collect();
        assert_eq!(times, [Some(1_795_440_300), None]);

        let csv = std::fs::read_to_string(&csv).unwrap();
        assert_no_clear_pan(csv.as_bytes());
        let lines: Vec<_> = csv.lines().collect();
        assert_eq!(
            lines,
            [
                "line,mti,stan,rrn,terminal,merchant,amount_minor,currency,transmission_time,\
                 pan_first6,pan_last4,response_code,category,responsible,retry,reversal_due,\
                 error_kind,error_element,error_offset,violations",
                "1,0210,123456,123456789012,TERM0001,MERCHANT0000001,10000,840,\
                 2026-11-23T13:25:00Z,424242,4242,96,switch_fault,switch,later,false,,,,",
                "3,,,,,,,,,,,,,,,,invalid_mti,MTI,0,",
            ]
        );
    }

    #[test]
    fn rejects_an_unwritable_output_with_status_2() {
        let dir = fresh_dir("unwritable");
        let log = small_log(&dir);
        let out = dir.join("no-such-dir").join("day.parquet");
        let run = export(&[
            "--format",
            "parquet",
            "--out",
            out.to_str().unwrap(),
            log.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8(run.stderr).unwrap();
        assert_eq!(run.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.starts_with(&format!("iso8583: cannot write {}: ", out.display())),
            "{stderr}"
        );
        assert!(stderr.contains("No such file or directory"), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(run.stdout.is_empty());
        assert_eq!(files_in(&dir), ["day.log"]);
    }

    #[test]
    fn leaves_no_file_behind_when_the_input_fails() {
        let dir = fresh_dir("no-input");
        let out = dir.join("day.csv");
        let missing = dir.join("missing.log");
        let run = export(&[
            "--format",
            "csv",
            "--out",
            out.to_str().unwrap(),
            missing.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8(run.stderr).unwrap();
        assert_eq!(run.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("cannot open"), "{stderr}");
        // Neither the target nor the temporary file is left.
        assert_eq!(files_in(&dir), Vec::<String>::new());
    }

    /// A disk that fills part-way through the file: the file-size limit (`ulimit -f`, with
    /// SIGXFSZ ignored so that a write past it fails with EFBIG) stops writes after 4 KiB.
    #[test]
    fn a_write_that_fails_part_way_keeps_the_old_file_and_leaves_no_other() {
        let dir = fresh_dir("disk-full");
        let log = dir.join("day.log");
        std::fs::write(&log, SAMPLE.repeat(2_000)).unwrap();
        let out = dir.join("day.csv");
        std::fs::write(&out, "old contents\n").unwrap();
        let run = Command::new("sh")
            .arg("-c")
            .arg("ulimit -f 8 && trap '' XFSZ && exec \"$0\" \"$@\"")
            .arg(env!("CARGO_BIN_EXE_iso8583"))
            .args(["export", "--format", "csv", "--out"])
            .args([&out, &log])
            .output()
            .unwrap();
        let stderr = String::from_utf8(run.stderr).unwrap();
        assert_eq!(run.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.starts_with(&format!("iso8583: cannot write {}: ", out.display())),
            "{stderr}"
        );
        assert!(stderr.contains("too large"), "{stderr}");
        assert!(run.stdout.is_empty());
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "old contents\n");
        assert_eq!(files_in(&dir), ["day.csv", "day.log"]);
    }

    #[test]
    fn replaces_an_existing_output_only_when_complete() {
        let dir = fresh_dir("replace");
        let log = small_log(&dir);
        let out = dir.join("day.csv");
        std::fs::write(&out, "old contents\n").unwrap();
        // A failing run keeps the old file as it was.
        let missing = dir.join("missing.log");
        let run = export(
            &["--format", "csv", "--out", out.to_str().unwrap()]
                .into_iter()
                .chain([missing.to_str().unwrap()])
                .collect::<Vec<_>>(),
        );
        assert_eq!(run.status.code(), Some(2));
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "old contents\n");
        let run = export(&[
            "--format",
            "csv",
            "--out",
            out.to_str().unwrap(),
            log.to_str().unwrap(),
        ]);
        assert_eq!(run.status.code(), Some(1));
        assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 3);
        assert_eq!(files_in(&dir), ["day.csv", "day.log"]);
    }

    #[test]
    fn notes_empty_input_and_still_writes_a_complete_file() {
        let dir = fresh_dir("empty");
        let log = dir.join("empty.log");
        std::fs::write(&log, "# nothing today\n\n").unwrap();
        let out = dir.join("empty.csv");
        let run = export(&[
            "--format",
            "csv",
            "--out",
            out.to_str().unwrap(),
            log.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8(run.stderr).unwrap();
        assert_eq!(run.status.code(), Some(1), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains("no message"), "{stderr}");
        let csv = std::fs::read_to_string(&out).unwrap();
        assert_eq!(csv.lines().count(), 1);
        assert!(csv.starts_with("line,mti,"));
    }
}
