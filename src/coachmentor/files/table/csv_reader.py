"""Reading a CSV (a file or standard input) as a table: encoding and delimiter detected, lines
bounded, records handed out lazily with the text they came from."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from coachmentor.errors import InputFileError
from coachmentor.files.messages import csv_failure, decode_failure
from coachmentor.files.table.base import (
    DELIMITER_NAMES,
    DELIMITERS,
    LINE_LIMIT,
    MAX_CELLS,
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
    reading,
    unmark,
    unusable_encoding,
)


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
    bom = prefix.startswith(codecs.BOM_UTF8)
    if encoding in (None, "utf-8"):
        while prefix.startswith(codecs.BOM_UTF8 * 2):  # a BOM written twice: drop the extra
            prefix = prefix[len(codecs.BOM_UTF8):]
    # UTF-32-LE's BOM begins with UTF-16-LE's: look for it first.
    utf32 = prefix.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE))
    utf16 = not utf32 and prefix.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    suspect = [False]
    decoding = Decoding(suspect)
    if encoding is None:
        if utf32 or utf16:
            label = "utf-32" if utf32 else "utf-16"
            py_encoding, errors = label, MARK_ERRORS
        else:
            py_encoding, label = "utf-8-sig", "auto"
            errors = MARK_OR_CP1252_ERRORS
    else:
        label = encoding
        py_encoding, errors = encoding, MARK_ERRORS
        if encoding == "utf-8" and bom:
            py_encoding = "utf-8-sig"
    if not (utf16 or utf32) and encoding in (None, "utf-8"):
        _refuse_binary(prefix, name)
    try:
        sample = decode_sample(prefix, py_encoding, errors, whole=len(prefix) < SNIFF_BYTES,
                               decoding=decoding)
    except UnicodeError:  # not a byte it cannot read (those are marked): the codec refuses
        raise unusable_encoding(name, label, py_encoding, prefix) from None
    if delimiter is None:
        delimiter = sniff_delimiter(sample, is_header)
    newline = "\r\n" if _first_line_ending(sample) == "\r\n" else "\n"

    raw = PrefixedStream(prefix, fh, suspect, name)
    buffered = io.BufferedReader(raw, buffer_size=READ_BUFFER)
    text = io.TextIOWrapper(buffered, encoding=py_encoding, errors=errors, newline="")
    lines: list[str] = []
    at: list[Any] = []  # the reader, for the line number of a record with too many cells
    reader = csv.reader(_tap(text, lines, delimiter, name, at, decoding), delimiter=delimiter,
                        strict=True)
    at.append(reader)

    def close() -> None:
        try:
            text.close()  # closes our wrapper, never the stream under it (standard input)
        except (OSError, ValueError):
            pass
        if path is not None:
            fh.close()

    table = Table(
        name=name,
        kind="csv",
        header=[],
        rows=reader,
        encoding=label,
        delimiter=delimiter,
        newline=newline,
        bom=bom,
        size=size,
        path=path,
        reader=reader,
        lines=lines,
        raw=raw,
        close=close,
        suspect=suspect,
        decoding=decoding,
        check_row=bad_bytes_check(label),
    )
    try:
        header, skipped, records = find_header(
            _one_by_one(reader, lines), is_header,
            lambda exc: csv_failure(exc, table, where="in the header"))
    except BaseException:
        close()
        raise
    if header is None:
        close()
        raise InputFileError(f"{name}: no header: the input is empty (expected a header row)")
    marked = unmark(header) if suspect[0] else []
    if marked:
        close()
        raise decode_failure(name, label, marked[0][1], reader.line_num)
    table.header = header
    table.header_row = records
    table.skipped_above_header = skipped
    return table


def _tap(text: Iterator[str], lines: list[str], delimiter: str, name: str,
         at: list[Any], decoding: Decoding) -> Iterator[str]:
    """The lines of `text`, each also kept in `lines` until the reader of records takes them
    (it empties `lines` after each record): a record's input text can then be written out
    again without serialising it. The record in `lines` may hold at most MAX_CELLS cells: its
    delimiters are counted once its text is long enough to hold that many (so an ordinary
    row costs a length and an addition), and a record with more is refused here, before the
    csv reader makes a list of them."""
    keep = lines.append
    held, cells = 0, -1
    next_line = iter(text).__next__
    while True:
        reading.state = decoding  # a decode in this read is this table's (see decoding.py)
        try:
            line = next_line()
        except StopIteration:
            return
        if not lines:  # a new record
            held, cells = 0, -1
        held += len(line)
        keep(line)
        if held > MAX_CELLS:
            cells = sum(t.count(delimiter) for t in lines) if cells < 0 else (
                cells + line.count(delimiter))
            if cells >= MAX_CELLS:
                first = at[0].line_num - len(lines) + 2 if at else 1  # lines: this record's
                del lines[:]
                raise InputFileError(
                    f"{name}: the row that starts on line {first:,} has more than "
                    f"{MAX_CELLS:,} cells (a spreadsheet row holds at most {MAX_CELLS:,}): the "
                    "file is damaged, or not a staff list; refusing it")
        yield line


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
