"""The one module that uses openpyxl's private API, for what its public API cannot do:

- load a workbook from a zip archive whose every part is read through our limits
  (`openpyxl.reader.excel.ExcelReader` with its `archive` replaced), and
- read a worksheet's rows with a formula's missing saved value told apart from an empty cell
  (`openpyxl.worksheet._reader.WorkSheetParser`, and the read-only worksheet's source and shared
  strings).

Tested with openpyxl 3.1.3 to 3.1.5; pyproject.toml pins `openpyxl>=3.1.3,<3.2` so that an
upgrade that moves these names is a deliberate step (the xlsx tests fail here, not elsewhere)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

from coachmentor.files.table.base import XLSX_MAX_COLUMN, XLSX_MAX_ROW

FORMULA_TAG = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}f"


NO_SAVED_VALUE = object()  # a formula cell whose value was never saved (not computed yet)


def load_read_only(workbook_file: Any, archive: Any) -> Any:
    """openpyxl's `load_workbook(read_only=True, data_only=True)`, with every part read from
    `archive` (our zip archive, which reads each part within its limits). openpyxl's warnings
    about parts it ignores (data validation extensions, ...) say nothing a leader can act on:
    they are silenced here, and only here (the process's warnings filters are left as they
    were)."""
    from openpyxl.reader.excel import ExcelReader

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reader = ExcelReader(workbook_file, read_only=True, data_only=True)
        reader.archive = archive
        reader.valid_files = archive.namelist()
        reader.read()
    return reader.wb


def sheet_values(ws: Any) -> Iterator[list[Any]]:
    """The rows of a read-only worksheet as lists of values from column A, as
    `ws.iter_rows(values_only=True)` gives them after `reset_dimensions()`, except that a
    formula with no saved value is NO_SAVED_VALUE rather than None, and cell addresses
    beyond Excel's limits are refused (a row of a billion empty cells is not a sheet's)."""
    from openpyxl.worksheet._reader import WorkSheetParser

    wb = ws.parent
    expected = 1
    with ws._get_source() as src:
        parser = WorkSheetParser(src, ws._shared_strings, data_only=True, epoch=wb.epoch,
                                 date_formats=wb._date_formats,
                                 timedelta_formats=wb._timedelta_formats)
        parse_cell = parser.parse_cell

        def marked_cell(element: Any) -> dict[str, Any]:
            """openpyxl's cell, its value NO_SAVED_VALUE for a formula with none saved."""
            cell: dict[str, Any] = parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                cell["value"] = NO_SAVED_VALUE
            return cell

        parser.parse_cell = marked_cell  # parse_row calls self.parse_cell for each cell
        for idx, cells in parser.parse():
            if idx > XLSX_MAX_ROW:
                raise BeyondLimits(f"row {idx:,}")
            while expected < idx:  # rows the sheet does not store are empty
                expected += 1
                yield []
            if expected > idx:  # a row out of order: openpyxl skips it too
                continue
            expected += 1
            width = cells[-1]["column"] if cells else 0
            if width > XLSX_MAX_COLUMN or any(c["column"] > XLSX_MAX_COLUMN for c in cells):
                raise BeyondLimits(f"a column beyond {XLSX_MAX_COLUMN:,} on row {idx:,}")
            row: list[Any] = [None] * width
            for c in cells:
                col = c["column"]
                if col >= 1:
                    row[col - 1] = c["value"]
            yield row


class BeyondLimits(Exception):
    """A cell address beyond Excel's own limits (the sheet is damaged or crafted)."""
