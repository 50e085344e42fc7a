#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target into fuzz/corpus/<target>/.

Sources: the reference messages of the vectors README, every peers.json wire_hex entry, the
sample messages in specs/samples/, and the built-in spec files. Run from anywhere:
    python3 fuzz/make_seeds.py [path/to/vectors]
Seeds are named after their source, so re-running rewrites the same files.
"""
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
VECTORS = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/vectors")
CORPUS = ROOT / "fuzz" / "corpus"

# Spec::builtin_names() in order, read from the source: a spec's index is the selector byte of
# decode and round_trip (taken modulo the number of names).
BUILTIN = re.findall(
    r'"([a-z0-9-]+)"',
    re.search(r"NAMES: &\[&str\] = &\[(.*?)\];", (ROOT / "src/spec/builtin.rs").read_text(), re.S)[1],
)


def selectors(wire, source=""):
    """The built-in specs that may decode the message, the likeliest first: the dialect its
    source names, else those whose MTI and bitmap encodings match."""
    dialects = [("visa", "visa-base1"), ("mastercard", "mastercard-cis"), ("TPDU", "cup-pos-tpdu")]
    named = [BUILTIN.index(spec) for word, spec in dialects if word in source and spec in BUILTIN]
    if len(wire) >= 4 and all(0x30 <= b <= 0x39 for b in wire[:4]):
        # ASCII MTI: the ASCII specs, the one of the MTI's version first.
        family = [2, 0] if wire[0] == 0x31 else [0, 2]
    elif len(wire) >= 2 and wire[0] >> 4 <= 9 and wire[0] & 0xF <= 9:
        # BCD MTI: the binary specs, the one of the MTI's version first.
        family = {0: [1, 3, 4], 1: [3, 1, 4], 2: [4, 1, 3]}.get(wire[0] >> 4, [1, 3, 4])
    else:
        family = [0, 1]
    return named + [i for i in family if i not in named]


def unhex_or_raw(data):
    """A sample file's message: hex text decoded, or the bytes as they are."""
    text = data.strip()
    try:
        return bytes.fromhex(text.decode("ascii"))
    except ValueError:
        return text


def messages():
    """(name, wire bytes, decoded fields or None, source) of every vector message."""
    readme = (VECTORS / "README.md").read_text()
    for text in re.findall(r"```\n(0[0-9]{3}[0-9A-F]{16}[^\n]*)\n```", readme):
        yield f"ref-{text[:4]}", text.encode(), None, ""
    for i, entry in enumerate(json.loads((VECTORS / "peers.json").read_text())):
        wire = bytes.fromhex(entry["wire_hex"])
        source = entry["source"] + " " + entry["spec"]
        if entry.get("framing") or "Network frame" in entry["spec"]:
            # A 2-byte length header comes first: the specs decode what it frames.
            wire = wire[2:]
        yield f"peer-{i:02}", wire, entry["fields"], source
    for path in sorted((ROOT / "specs" / "samples").glob("*.hex")):
        source = "TPDU" if "tpdu" in path.stem else ""
        wire = unhex_or_raw(path.read_bytes())
        if len(wire) > 2 and int.from_bytes(wire[:2], "big") == len(wire) - 2:
            # A 2-byte length header comes first: the specs decode what it frames.
            wire = wire[2:]
        yield f"sample-{path.stem}", wire, None, source


def encode_seed(selector, fields):
    """An input of the encode target that builds the vector's message (see checks.rs)."""
    out = bytearray([selector])
    out += bytes(int(d) for d in fields["t"])
    for key, value in fields.items():
        if not key.isdigit():
            continue
        raw = value.encode("latin-1")
        # field number (0..=193, one byte), form 0 (value as given), length (0..=1100, two bytes)
        out += bytes([int(key), 0]) + len(raw).to_bytes(2, "big") + raw
    return bytes(out)


def write(target, name, data):
    path = CORPUS / target / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def main():
    for name, wire, fields, source in messages():
        for rank, sel in enumerate(selectors(wire, source)):
            seed = f"{name}-{BUILTIN[sel]}" if rank else name
            write("decode", seed, bytes([sel]) + wire)
            write("round_trip", seed, bytes([sel]) + wire)
        if fields is not None and "h" not in fields:
            write("encode", name, encode_seed(selectors(wire, source)[0], fields))
    for name in BUILTIN:
        write("spec_load", name, (ROOT / "specs" / f"{name}.toml").read_bytes())


if __name__ == "__main__":
    main()
