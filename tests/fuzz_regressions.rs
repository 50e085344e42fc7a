//! Replays every saved fuzz input through the same check as its fuzz target: each crash ever
//! found (`tests/fuzz-crashes/TARGET-description`) and the committed seed corpus
//! (`fuzz/corpus/TARGET/`). A check fails by panicking, as it does under the fuzzer.

#[path = "../fuzz/src/checks.rs"]
mod checks;

use std::path::{Path, PathBuf};

/// The files directly inside `dir`, sorted; none when it does not exist.
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// The check of the target a saved crash is named after (`TARGET-description`).
fn check_for(file: &Path) -> Option<checks::Check> {
    let name = file.file_name()?.to_str()?;
    checks::TARGETS
        .iter()
        .filter(|(target, _)| {
            name.strip_prefix(target)
                .is_some_and(|rest| rest.starts_with('-'))
        })
        .max_by_key(|(target, _)| target.len())
        .map(|(_, check)| *check)
}

/// Whether `check` passes on the contents of `file` (a check fails by panicking).
fn passes(file: &Path, check: checks::Check) -> bool {
    match std::fs::read(file) {
        Ok(data) => std::panic::catch_unwind(|| check(&data)).is_ok(),
        Err(_) => false,
    }
}

#[test]
fn every_saved_crash_passes_its_target_check() {
    let files = files_in(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fuzz-crashes"
    )));
    assert!(!files.is_empty());
    for file in &files {
        let check = check_for(file);
        assert!(
            check.is_some(),
            "{}: not named after a target",
            file.display()
        );
        if let Some(check) = check {
            assert!(passes(file, check), "{} fails its check", file.display());
        }
    }
}

#[test]
fn every_seed_passes_its_target_check() {
    let corpus = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/corpus"));
    for (target, check) in checks::TARGETS {
        let files = files_in(&corpus.join(target));
        assert!(files.len() >= 5, "{target}: {} seeds", files.len());
        for file in &files {
            assert!(passes(file, *check), "{} fails its check", file.display());
        }
    }
}

/// The `decode` seeds made from the reference messages and the UnionPay frame decode with the
/// spec their first byte chooses, so the corpus starts from valid messages and not only from
/// rejected ones.
#[test]
fn reference_seeds_decode_with_their_selected_spec() {
    let corpus = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/corpus/decode"));
    let expected = [
        ("ref-0200", "iso8583-1987-ascii", 14),
        ("ref-0210", "iso8583-1987-ascii", 16),
        ("peer-18", "iso8583-1987-ascii", 14),
        ("peer-11", "cup-pos-tpdu", 16),
    ];
    let names = iso8583_wire::Spec::builtin_names();
    for (seed, spec_name, fields) in expected {
        let data = std::fs::read(corpus.join(seed)).unwrap();
        let (&selector, wire) = data.split_first().unwrap();
        assert_eq!(
            names[usize::from(selector) % names.len()],
            spec_name,
            "{seed}"
        );
        let spec = iso8583_wire::Spec::builtin(spec_name).unwrap();
        let view = iso8583_wire::MessageView::decode(spec, wire).unwrap();
        assert_eq!(view.fields().count(), fields, "{seed}");
    }
}

/// The seeds of `encode` made from peers.json rebuild the vector's message: the seed of the
/// reference 0200 builds a message that encodes to exactly its bytes.
#[test]
fn encode_seed_rebuilds_the_reference_0200() {
    let data = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fuzz/corpus/encode/peer-18"
    ))
    .unwrap();
    let mut u = arbitrary::Unstructured::new(&data);
    let (spec, message) = checks::arbitrary_message(&mut u).unwrap();
    assert_eq!(spec.name(), "iso8583-1987-ascii");
    assert_eq!(message.numbers().count(), 14);
    let reference = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fuzz/corpus/decode/ref-0200"
    ))
    .unwrap();
    assert_eq!(
        Some(message.to_vec(spec).unwrap().as_slice()),
        reference.get(1..)
    );
}

/// Found by `round_trip`: a hex field whose length prefix counts an odd number of characters
/// decoded with its last character dropped from the length, then failed to encode. It is
/// rejected at the lone character, as `Message::set` rejects odd hex (at the character that
/// is missing).
#[test]
fn odd_hex_content_is_rejected_at_its_last_character() {
    use iso8583_wire::{
        DecodeErrorKind, Element, EncodeErrorKind, Message, MessageView, Mti, Spec,
    };
    let spec = Spec::builtin("iso8583-1987-ascii").unwrap();
    // MTI 0080, field 55 (b..255, LLL counting hex characters) = "001" + "0".
    let err = MessageView::decode(spec, b"008000000000000002000010").unwrap_err();
    assert_eq!(err.kind(), DecodeErrorKind::InvalidContent { class: "b" });
    assert_eq!(err.element(), Element::Field(55));
    assert_eq!(err.offset(), 23);
    let mut message = Message::new(Mti::FINANCIAL_REQUEST);
    let err = message.set(spec, 55, "9F0").unwrap_err();
    assert_eq!(
        err.kind(),
        EncodeErrorKind::InvalidContent {
            class: "b",
            position: 3
        }
    );
    assert!(message.set(spec, 55, "9F02").is_ok());
}

/// Found by `encode`: an odd number of digits set in a BCD field whose prefix counts bytes and
/// whose filler is 0 encoded as one byte, which decodes as two digits ("5" came back "05"). It
/// is now rejected when set, at the digit that is missing.
#[test]
fn odd_bcd_digits_under_a_byte_prefix_are_rejected_when_set() {
    use iso8583_wire::{EncodeErrorKind, Message, Mti, Spec};
    let spec = Spec::builtin("visa-base1").unwrap();
    let mut message = Message::new(Mti::AUTHORIZATION_REQUEST);
    let err = message.set(spec, 60, "5").unwrap_err();
    assert_eq!(
        err.kind(),
        EncodeErrorKind::InvalidContent {
            class: "n",
            position: 1
        }
    );
    message.set(spec, 60, "05").unwrap();
    let wire = message.to_vec(spec).unwrap();
    let back = Message::decode(spec, wire.into()).unwrap();
    assert_eq!(back, message);
    assert_eq!(back.field(spec, 60).unwrap().to_text(), "05");
}

/// Every `subfields` seed makes a message that decodes and whose structured field reads, to the
/// end and without an error, at least one subfield: the corpus starts inside each layout, not
/// only at its errors.
#[test]
fn subfields_seeds_read_without_errors() {
    let corpus = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fuzz/corpus/subfields"
    ));
    let spec = checks::subfields_spec().unwrap();
    let files = files_in(corpus);
    assert_eq!(files.len(), 18);
    for file in &files {
        let data = std::fs::read(file).unwrap();
        let (n, wire) = checks::subfields_message(&data).unwrap();
        let view = iso8583_wire::MessageView::decode(spec, &wire).unwrap();
        let field = view.field(n).unwrap();
        let subs: Vec<_> = field.subfields().collect();
        assert!(
            !subs.is_empty(),
            "{}: {} subfields",
            file.display(),
            subs.len()
        );
        assert!(
            subs.iter().all(Result::is_ok),
            "{}: {:?}",
            file.display(),
            subs.iter().find_map(|s| s.as_ref().err())
        );
    }
}
