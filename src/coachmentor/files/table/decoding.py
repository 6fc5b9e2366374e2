"""Bytes that do not decode, in a CSV: read as cp1252 (auto-detection) or marked.

One error handler per behaviour is registered with `codecs`, once, at import, and it keeps no
state of its own: what it finds in a table's bytes (a byte it had to mark; a sequence read as
cp1252) is written to that table's own `Decoding`, which the reading thread names before each
decode (`decoding_for`). Tables read one after another or side by side, in one thread or
many, never see each other's findings."""

from __future__ import annotations

import codecs
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

from coachmentor.errors import InputFileError
from coachmentor.files.messages import bad_bytes

MARK_BASE = 0xDC00  # an undecodable byte b is read as chr(MARK_BASE + b), a lone surrogate
_MARKS = re.compile("[\udc00-\udcff]")


@dataclass
class Decoding:
    """What decoding one table's bytes has found so far: `suspect` is the table's own flag
    (set when a byte had to be marked: the rows read from then on are checked for marks; the
    byte reader sets it for a NUL too), `cp1252` how many byte sequences were read as cp1252."""

    suspect: list[bool]
    cp1252: int = 0


# The table whose bytes this thread is decoding now. The reader names its table before every
# read that may decode (`reading.state = ...`): rows are read lazily, so two tables' readers
# may take turns in one thread (match reads staff and supporters), and each decode must be
# put down to the table it belongs to. One attribute set per line; a thread-local, so that
# tables read in several threads at once keep apart too.
reading = threading.local()


def _handle(exc: UnicodeError, fallback: bool) -> tuple[str, int]:
    """Each undecodable byte read as cp1252 when `fallback` and it can, else as a mark. It
    never raises for a byte, so reading a CSV never stops at one: every CSV is decoded with
    one of the two handlers below."""
    if not isinstance(exc, UnicodeDecodeError):  # an encoder's error: not ours to mark
        raise exc
    state: Decoding | None = getattr(reading, "state", None)
    out, hit, marked = [], False, False
    for b in exc.object[exc.start : exc.end]:
        if fallback:
            try:
                out.append(bytes((b,)).decode("cp1252"))
                hit = True
                continue
            except UnicodeDecodeError:  # 0x81 0x8d 0x8f 0x90 0x9d
                pass
        out.append(chr(MARK_BASE + b))
        marked = True
    if state is not None:
        if marked:
            state.suspect[0] = True
        if hit:
            state.cp1252 += 1
    return "".join(out), exc.end


# Registered once, at import: two names, no state of their own (codecs has no way to remove
# a handler, so one per table would grow with every table read).
MARK_ERRORS = "coachmentor-mark"
MARK_OR_CP1252_ERRORS = "coachmentor-mark-or-cp1252"
codecs.register_error(MARK_ERRORS, lambda exc: _handle(exc, fallback=False))
codecs.register_error(MARK_OR_CP1252_ERRORS, lambda exc: _handle(exc, fallback=True))


def unmark(cells: list[str]) -> list[tuple[int, int]]:
    """Replace the marks in `cells` (in place) by U+FFFD; return (column index, first byte)
    of each cell that held one."""
    found = []
    search = _MARKS.search
    for i, cell in enumerate(cells):
        m = search(cell)
        if m is not None:
            found.append((i, ord(m.group()) - MARK_BASE))
            cells[i] = _MARKS.sub("\ufffd", cell)
    return found


def check_encoding(name: str) -> str:
    try:
        info = codecs.lookup(name)
    except LookupError:
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):  # e.g. base64, zlib
        raise InputFileError(
            f"--encoding: unknown text encoding '{name}' (e.g. utf-8, cp1252, latin-1, utf-16-le)"
        )
    return info.name


def bad_bytes_check(encoding: str) -> Callable[[list[str]], list[tuple[int, str, bool]]]:
    """check_row for CSV: the cells that held undecodable bytes, cleaned, and why."""
    def check(row: list[str]) -> list[tuple[int, str, bool]]:
        return [(i, bad_bytes(encoding, byte), False) for i, byte in unmark(row)]

    return check


def unusable_encoding(name: str, label: str, encoding: str, prefix: bytes) -> InputFileError:
    """--encoding names a codec that cannot read this file at all: UTF-16 or UTF-32 without
    their byte order mark (the bare names need one to know the byte order), or a codec that
    is not for files (idna, punycode: domain names, and they cannot mark a bad byte)."""
    base = codecs.lookup(encoding).name
    if base in ("utf-16", "utf-32") and prefix.startswith(codecs.BOM_UTF8):
        return InputFileError(
            f"{name}: this file is UTF-8 (it starts with UTF-8's byte order mark), not {label}: "
            "leave out --encoding")
    if base in ("utf-16", "utf-32"):
        return InputFileError(
            f"{name}: --encoding {label} needs a byte order mark at the start of the file, and "
            f"this file has none; name the byte order: --encoding {base}-le (Windows and most "
            f"files) or --encoding {base}-be")
    return InputFileError(
        f"--encoding: '{label}' is not an encoding for text files (it cannot read {name}); "
        "e.g. utf-8, cp1252, latin-1, utf-16-le")


def decode_sample(prefix: bytes, encoding: str, errors: str, whole: bool,
                  decoding: Decoding) -> str:
    """The first lines, for sniffing (bytes that do not decode are marked, never fatal; a
    sequence cut off at the end of the sample is left out). A codec that refuses the file
    (UTF-16 without its BOM) or refuses to mark a byte (idna) raises UnicodeError here, before
    a row is read: the empty input decoded `final` makes every codec check its handler."""
    data = prefix if whole else prefix[: prefix.rfind(b"\n") + 1] or prefix
    reading.state = decoding
    decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
    text = decoder.decode(data, final=whole)
    codecs.getincrementaldecoder(encoding)(errors=errors).decode(b"", final=True)
    return text
