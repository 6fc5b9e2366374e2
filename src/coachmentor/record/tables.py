"""Reading the tables `record start` is given (a `match` output, a leader's list, the staff and
supporters files): CSV or .xlsx through `files.table.open_table` (every encoding and quirk
`assess` reads), or `match`'s JSON and JSON Lines. Each row comes back as
(the row number a spreadsheet shows, {field: text}) for the fields asked for, by header alias.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from coachmentor.errors import InputFileError
from coachmentor.record.vocab import fold_value

Row = tuple[int, dict[str, str]]


def read_rows(source: str | Path, columns: dict[str, tuple[str, ...]], *, required: tuple[str, ...],
              what: str, **opts: Any) -> tuple[str, list[Row], bytes | None]:
    """(the file's name, its rows, its bytes when it is a file: for the run's hash)."""
    lookup = {fold_value(alias): fid for fid, aliases in columns.items()
              for alias in (fid, *aliases)}
    path = Path(source) if str(source) != "-" else None
    if path is not None and path.suffix.lower() in (".json", ".jsonl", ".ndjson"):
        return str(path), _json_rows(path, lookup, required, what), _bytes(path)

    from coachmentor.files.table import open_table

    def is_header(cells: list[str]) -> bool:
        return set(required) <= {lookup.get(fold_value(c)) for c in cells}

    table = open_table(source, is_header=is_header, **opts)
    try:
        cols: dict[str, int] = {}
        for i, text in enumerate(table.header):
            fid = lookup.get(fold_value(text))
            if fid is not None and fid not in cols:
                cols[fid] = i
        missing = [f for f in required if f not in cols]
        if missing:
            raise InputFileError(f"{table.name}: missing column(s) {', '.join(missing)} "
                                 f"({what})")
        rows: list[Row] = []
        n = table.header_row
        for cells in table.rows:
            n += 1
            if table.suspect[0]:
                table.check_row(cells)
            if not any(c.strip() for c in cells):
                continue
            rows.append((n, {f: (cells[i].strip() if i < len(cells) else "")
                             for f, i in cols.items()}))
    finally:
        table.close()
    return table.name, rows, _bytes(path) if path is not None else None


def _bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _json_rows(path: Path, lookup: dict[str, str], required: tuple[str, ...],
               what: str) -> list[Row]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path}: cannot be read ({type(exc).__name__})") from None
    try:
        if path.suffix.lower() == ".json":
            records = json.loads(text)
            numbered = list(enumerate(records if isinstance(records, list) else [], start=1))
            if not isinstance(records, list):
                raise InputFileError(f"{path}: expected a JSON list of rows ({what})")
        else:
            numbered = [(i, json.loads(line)) for i, line in enumerate(text.splitlines(), start=1)
                        if line.strip()]
    except json.JSONDecodeError as exc:
        raise InputFileError(f"{path}: line {exc.lineno}: not valid JSON") from None
    rows: list[Row] = []
    for n, rec in numbered:
        if not isinstance(rec, dict):
            raise InputFileError(f"{path}: row {n}: expected an object with fields ({what})")
        got: dict[str, str] = {}
        for key, value in rec.items():
            fid = lookup.get(fold_value(str(key)))
            if fid is not None and fid not in got:
                got[fid] = "" if value is None else str(value).strip()
        rows.append((n, got))
    if rows and not set(required) <= set().union(*(r.keys() for _, r in rows)):
        missing = [f for f in required if not any(f in r for _, r in rows)]
        raise InputFileError(f"{path}: missing field(s) {', '.join(missing)} ({what})")
    return rows
