"""Reading a CSV (a file or standard input) as a table: encoding and delimiter detected, lines
bounded, records handed out lazily with the text they came from."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coachmentor.errors import InputFileError
from coachmentor.files.messages import csv_failure, decode_failure
from coachmentor.files.table.base import (
    DELIMITER_NAMES,
    DELIMITERS,
    LINE_LIMIT,
    READ_BUFFER,
    SNIFF_BYTES,
    Table,
    find_header,
    size_text,
)
from coachmentor.files.table.decoding import (
    MARK_ERRORS,
    MARK_OR_CP1252_ERRORS,
    Decoding,
    bad_bytes_check,
    decode_sample,
    unmark,
    unusable_encoding,
)
from coachmentor.files.table.records import CsvRows


class PrefixedStream(io.RawIOBase):
    """The bytes already read for sniffing, then the rest of the stream; counts what it
    hands out (progress), notes whether any NUL byte went past, and refuses a line longer
    than LINE_LIMIT bytes (`name`: the file, for the message) before the text layer holds it."""

    def __init__(self, prefix: bytes, fh: Any, flag: list[bool] | None = None,
                 name: str = "<input>") -> None:
        super().__init__()
        self._prefix = memoryview(prefix)
        self._fh = fh
        self.consumed = 0
        self.saw_nul = flag if flag is not None else [False]
        if b"\x00" in prefix:
            self.saw_nul[0] = True
        self._name = name
        self._line_start = 0  # the byte after the last line break handed out

    def _check_line(self, data: bytes, n: int) -> None:
        last = max(data.rfind(b"\n", 0, n), data.rfind(b"\r", 0, n))
        if last >= 0:
            self._line_start = self.consumed + last + 1
        elif self.consumed + n - self._line_start > LINE_LIMIT:
            raise InputFileError(
                f"{self._name}: the line starting {self._line_start:,} bytes into the file runs on past "
                f"{size_text(LINE_LIMIT)} without a line break (a spreadsheet cell holds at most "
                "32,767 characters): the file is damaged, or not a staff list; refusing it")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if len(self._prefix):
            n = min(len(buffer), len(self._prefix))
            data = self._prefix[:n].tobytes()
            buffer[:n] = data
            self._prefix = self._prefix[n:]
        else:
            data = self._fh.read(len(buffer))
            n = len(data)
            buffer[:n] = data
            if not self.saw_nul[0] and b"\x00" in data:
                self.saw_nul[0] = True
        self._check_line(data, n)
        self.consumed += n
        return n


def parse_delimiter(text: str) -> str:
    found = DELIMITER_NAMES.get(text) or DELIMITER_NAMES.get(text.strip().lower())
    if found is None:
        if len(text) == 1 and text not in "\"\r\n" and text.isprintable():
            return text
        raise InputFileError(
            f"--delimiter: '{text}' is not a single character "
            "(use one of , ; | or 'tab', or any other single character)"
        )
    return found


def open_csv(
    fh: Any,
    prefix: bytes,
    name: str,
    path: Path | None,
    size: int | None,
    encoding: str | None,
    delimiter: str | None,
    is_header: Callable[[list[str]], bool] | None = None,
) -> Table:
    codec = _choose_codec(prefix, encoding, name)
    prefix = codec.prefix
    suspect = [False]
    decoding = Decoding(suspect)
    try:
        sample = decode_sample(prefix, codec.python, codec.errors,
                               whole=len(prefix) < SNIFF_BYTES, decoding=decoding)
    except UnicodeError:  # not a byte it cannot read (those are marked): the codec refuses
        raise unusable_encoding(name, codec.label, codec.python, prefix) from None
    if delimiter is None:
        delimiter = sniff_delimiter(sample, is_header)

    raw = PrefixedStream(prefix, fh, suspect, name)
    buffered = io.BufferedReader(raw, buffer_size=READ_BUFFER)
    text = io.TextIOWrapper(buffered, encoding=codec.python, errors=codec.errors, newline="")
    rows = CsvRows(text, delimiter, name, decoding)

    def close() -> None:
        try:
            text.close()  # closes our wrapper, never the stream under it (standard input)
        except (OSError, ValueError):
            pass
        if path is not None:
            fh.close()

    table = Table(
        name=name, kind="csv", header=[], rows=rows, encoding=codec.label,
        delimiter=delimiter,
        newline="\r\n" if _first_line_ending(sample) == "\r\n" else "\n",
        bom=codec.bom, size=size, path=path, reader=rows, lines=rows.lines, raw=raw,
        close=close, suspect=suspect, decoding=decoding, check_row=bad_bytes_check(codec.label),
    )
    try:
        _read_header(table, rows, is_header)
    except BaseException:
        close()
        raise
    return table


@dataclass(frozen=True)
class _Codec:
    """How a CSV's bytes are decoded: `python`, the codec's name for Python; `label`, what the
    summary calls it ("auto": UTF-8 or cp1252, detected); `errors`, the error handler."""

    prefix: bytes  # the bytes read for sniffing, a doubled BOM made one
    python: str
    label: str
    errors: str
    bom: bool


def _choose_codec(prefix: bytes, encoding: str | None, name: str) -> _Codec:
    """The codec: `--encoding` if given, else a UTF-16/UTF-32 BOM's, else UTF-8 (BOM or not)
    with cp1252 for the bytes that are not UTF-8. A UTF-8 file that starts like a binary one
    is refused here."""
    bom = prefix.startswith(codecs.BOM_UTF8)
    if encoding in (None, "utf-8"):
        while prefix.startswith(codecs.BOM_UTF8 * 2):  # a BOM written twice: drop the extra
            prefix = prefix[len(codecs.BOM_UTF8):]
    # UTF-32-LE's BOM begins with UTF-16-LE's: look for it first.
    utf32 = prefix.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE))
    utf16 = not utf32 and prefix.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not (utf16 or utf32) and encoding in (None, "utf-8"):
        _refuse_binary(prefix, name)
    if encoding is not None:
        python = "utf-8-sig" if encoding == "utf-8" and bom else encoding
        return _Codec(prefix, python, encoding, MARK_ERRORS, bom)
    if utf32 or utf16:
        label = "utf-32" if utf32 else "utf-16"
        return _Codec(prefix, label, label, MARK_ERRORS, bom)
    return _Codec(prefix, "utf-8-sig", "auto", MARK_OR_CP1252_ERRORS, bom)


def _read_header(table: Table, rows: CsvRows, is_header: Callable[[list[str]], bool] | None,
                 ) -> None:
    """Find the header (title rows above it skipped) and set it on `table`; a header with a
    byte that does not decode is a file-level error."""
    header, skipped, records = find_header(
        _one_by_one(rows, rows.lines), is_header,
        lambda exc: csv_failure(exc, table, where="in the header"))
    if header is None:
        raise InputFileError(f"{table.name}: no header: the input is empty (expected a header row)")
    marked = unmark(header) if table.suspect[0] else []
    if marked:
        raise decode_failure(table.name, table.encoding or "", marked[0][1], rows.line_num)
    table.header = header
    table.header_row = records
    table.skipped_above_header = skipped


def _one_by_one(reader: Iterator[list[str]], lines: list[str]) -> Iterator[list[str]]:
    """The reader's records, `lines` emptied before each (as the loops over rows do)."""
    while True:
        lines.clear()
        try:
            yield next(reader)
        except StopIteration:
            return


def _refuse_binary(prefix: bytes, name: str) -> None:
    """A header line with NUL or many control bytes is not a CSV header (a PDF, an image, a
    UTF-16 file without its BOM): say so, rather than list its 'headers'."""
    first_line = prefix[:4096].split(b"\n", 1)[0]
    controls = sum(1 for b in first_line if b < 9 or 13 < b < 32 or b == 127)
    if b"\x00" in first_line or controls > len(first_line) // 4:
        raise InputFileError(
            f"{name}: this looks like a binary file, not CSV text (NUL or control bytes at the "
            "start); if it is UTF-16 text without a BOM, say --encoding utf-16-le"
        )


def _first_line_ending(sample: str) -> str:
    i = sample.find("\n")
    j = sample.find("\r")
    if j != -1 and (i == -1 or j < i):
        return "\r\n" if sample[j : j + 2] == "\r\n" else "\r"
    return "\n"


def sniff_delimiter(sample: str, is_header: Callable[[list[str]], bool] | None = None) -> str:
    """The candidate that splits a record of the sample into a header `is_header` accepts
    (the header names the fields: a '|' inside every data row must not win over the commas
    of the header), then the one on which most of the first records agree about a width of
    two or more cells (so that a title line above the header does not mislead it); ties go to
    , ; tab |. Records are read with the csv module, so quoted delimiters and line breaks
    count right."""
    best, best_score = ",", (False, 0, 0)
    for cand in DELIMITERS:
        if cand not in sample:
            continue
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=cand)
        counts: dict[int, int] = {}
        header = False
        try:
            for record in itertools.islice(reader, 21):
                if len(record) > 1:
                    counts[len(record)] = counts.get(len(record), 0) + 1
                    header = header or (is_header is not None and is_header(record))
        except csv.Error:
            pass
        if not counts:
            continue
        width, agree = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        if (header, agree, width) > best_score:
            best, best_score = cand, (header, agree, width)
    return best
