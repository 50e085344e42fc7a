#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target into fuzz/corpus/<target>/.

Sources: the reference messages of the vectors README, every peers.json wire_hex entry, the
sample messages in specs/samples/, the built-in spec files, and the jPOS GenericPackager files
of tests/jpos/. Run from anywhere:
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


# The length header kinds in the order of LengthHeader::ALL, with their widths.
LENGTH_KINDS = [("binary2", 2), ("binary4", 4), ("bcd2", 2), ("ascii4", 4), ("hex4", 4)]


def frame_selector(kind, tpdu=False, inclusive=False, max_step=3):
    """The first byte of a frame seed: the kind is the byte modulo 5, 0x10 a TPDU, 0x20 an
    inclusive length, the top two bits the maximum (step * 200 + 50 bytes)."""
    flags = (0x10 if tpdu else 0) | (0x20 if inclusive else 0) | (max_step << 6)
    for low in range(16):
        if (flags | low) % len(LENGTH_KINDS) == kind:
            return flags | low
    raise ValueError("no selector")


def length_header(kind, value):
    """`value` written as length header `kind` (see src/frame/length.rs)."""
    name, width = LENGTH_KINDS[kind]
    if name.startswith("binary"):
        return value.to_bytes(width, "big")
    if name == "bcd2":
        return bytes.fromhex(f"{value:04d}")
    if name == "ascii4":
        return f"{value:04d}".encode()
    return f"{value:04X}".encode()


def frame_seeds(payload, tpdu_frame):
    """(name, data) of the frame seeds: every kind framing a reference message, inclusive
    lengths, keep-alives between frames, the UnionPay frame with its TPDU, and the errors a
    capture can hold (cut short, a bad length digit, a length above the maximum)."""
    for kind, (name, width) in enumerate(LENGTH_KINDS):
        frame = length_header(kind, len(payload)) + payload
        keep_alive = length_header(kind, 0)
        yield f"{name}", bytes([frame_selector(kind)]) + frame
        yield f"{name}-capture", bytes([frame_selector(kind)]) + frame + keep_alive + frame
        inclusive = length_header(kind, len(payload) + width) + payload
        yield f"{name}-inclusive", bytes([frame_selector(kind, inclusive=True)]) + inclusive
        yield f"{name}-cut", bytes([frame_selector(kind)]) + frame[: len(frame) - 10]
    yield "binary2-tpdu", bytes([frame_selector(0, tpdu=True)]) + tpdu_frame
    yield "binary2-too-long", bytes([frame_selector(0, max_step=0)]) + tpdu_frame
    yield "ascii4-bad-digit", bytes([frame_selector(3)]) + b"01x6" + payload
    yield "bcd2-bad-digit", bytes([frame_selector(2)]) + b"\x01\xa6" + payload


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
    for path in sorted((ROOT / "tests" / "jpos").glob("*.xml")):
        write("jpos_xml", path.stem, path.read_bytes())
    # A file cut inside an element: the import fails at a line and column.
    cut = (ROOT / "tests" / "jpos" / "iso87ascii.xml").read_bytes()
    write("jpos_xml", "iso87ascii-cut", cut[: len(cut) // 2])
    reference = next(wire for name, wire, _, _ in messages() if name == "ref-0200")
    tpdu_frame = unhex_or_raw((ROOT / "specs" / "samples" / "cup-pos-tpdu-0200.hex").read_bytes())
    for name, data in frame_seeds(reference, tpdu_frame):
        write("frame", name, data)


if __name__ == "__main__":
    main()
