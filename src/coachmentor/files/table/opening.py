"""`open_table`: a path or standard input, opened as the kind of table its bytes say it is."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from coachmentor.errors import InputFileError
from coachmentor.files.table.base import ENCRYPTED_MARK, OLE_MAGIC, SNIFF_BYTES, ZIP_MAGIC, Table
from coachmentor.files.table.csv_reader import open_csv, parse_delimiter
from coachmentor.files.table.decoding import check_encoding
from coachmentor.files.table.xlsx_reader import open_xlsx


def open_table(
    source: str | Path,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    stdin: Any = None,
    is_header: Callable[[list[str]], bool] | None = None,
) -> Table:
    """Open `source` (a path, or '-' for standard input) for reading as a table.

    `is_header` recognises the header row, so that title rows above it can be skipped."""
    if delimiter is not None:
        delimiter = parse_delimiter(delimiter)
    if encoding is not None:
        encoding = check_encoding(encoding)
    if str(source) == "-":
        fh = stdin if stdin is not None else sys.stdin.buffer
        name, path, size = "<stdin>", None, None
    else:
        path = Path(source)
        name = str(path)
        fh = _open_binary(path)
        try:
            size = os.fstat(fh.fileno()).st_size
        except (OSError, AttributeError, io.UnsupportedOperation):
            size = None
    try:
        prefix = _read_prefix(fh, name)
        if prefix.startswith(ZIP_MAGIC):
            return open_xlsx(fh, prefix, name, path, sheet, size, is_header)
        suffix = path.suffix.lower() if path is not None else ""
        if prefix.startswith(OLE_MAGIC):
            _refuse_ole(fh, prefix, name, suffix)
        if suffix in (".xlsx", ".xlsm"):
            raise InputFileError(
                f"{name}: not an .xlsx workbook (an .xlsx file is a zip archive; this is not): "
                "corrupt, or another kind of file with an .xlsx name"
            )
        if sheet is not None:
            raise InputFileError(f"{name}: --sheet applies to .xlsx workbooks; this is a text file")
        return open_csv(fh, prefix, name, path, size, encoding, delimiter, is_header)
    except BaseException:
        if path is not None:
            fh.close()
        raise


def _refuse_ole(fh: Any, prefix: bytes, name: str, suffix: str) -> None:
    """An OLE2 compound file: an old .xls, or an .xlsx saved with a password (Excel then
    wraps the encrypted workbook in OLE2, with an EncryptedPackage stream)."""
    encrypted = ENCRYPTED_MARK in prefix
    if not encrypted and suffix not in (".xlsx", ".xlsm"):
        try:  # the directory that names the streams may lie further in (a few MiB at most)
            data = fh.read(8 << 20)
            encrypted = ENCRYPTED_MARK in data
        except (OSError, AttributeError, ValueError):
            pass
    if encrypted or suffix in (".xlsx", ".xlsm"):
        raise InputFileError(
            f"{name}: this workbook is password-protected (encrypted), so it cannot be read; "
            "open it in Excel and remove the password (File > Info > Protect Workbook > "
            "Encrypt with Password), or save a copy as .xlsx or 'CSV UTF-8', and try again"
        )
    other = "another legacy Office file" if suffix else (
        "another legacy Office file, or a password-protected workbook")
    raise InputFileError(
        f"{name}: this is an old Excel .xls workbook (or {other}); "
        "save it as .xlsx or as 'CSV UTF-8' and try again"
    )


def _open_binary(path: Path) -> Any:
    try:
        if path.is_dir():
            raise InputFileError(f"{path}: is a folder, not a file")
        return open(path, "rb")  # closed by Table.close
    except FileNotFoundError:
        raise InputFileError(f"{path}: no such file") from None
    except PermissionError:
        raise InputFileError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _read_prefix(fh: Any, name: str) -> bytes:
    chunks, total = [], 0
    try:
        while total < SNIFF_BYTES:
            data = fh.read(SNIFF_BYTES - total)
            if not data:
                break
            chunks.append(data)
            total += len(data)
    except OSError as exc:
        raise InputFileError(f"{name}: cannot read: {exc.strerror or exc}") from None
    return b"".join(chunks)
