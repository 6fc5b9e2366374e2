"""Batch input as it really comes: a CSV file, standard input, or an .xlsx workbook.

`open_table()` returns a `Table`: the header (a list of text) and an iterator of data rows
(each a fresh list of text), read lazily so that memory does not grow with the file.

CSV: UTF-8 with or without a BOM (a doubled BOM too); bytes that are not UTF-8 are read as
cp1252 (older Excel on Windows), sequence by sequence, and the summary says so; a UTF-16 or
UTF-32 BOM is honoured; `--encoding` overrides all of it. A byte that does not decode (in the
encoding named, or neither UTF-8 nor cp1252) never stops the run: it reaches the row as a mark
(a lone surrogate, U+DC00 + the byte), and `Table.check_row` turns the marks of a row into
U+FFFD and a note that makes the row an `error` row. Only a header with such a byte is a
file-level error. The delimiter is sniffed among , ; tab | from the first
lines. Line endings CR, LF or CRLF; quoted fields may hold newlines. csv's silent defaults are
made visible elsewhere (ragged rows, NUL bytes, an unclosed quote): this module only reads.

xlsx: the first sheet or `--sheet NAME`, read with openpyxl in read-only mode, cached values
of formulas (what Excel shows), numbers and dates turned into text the way a CSV export would.
A formula with no saved value is noted on its row (an error row when the column is scored).
A workbook is a zip archive: before anything is parsed each part's declared size and
compression ratio are checked against the limits below, and every part is then read through
a stream that stops at the declared size and at the limit, and refuses a run of text longer
than a cell may be; so a zip bomb, or a header that lies about a size, ends in one message
(exit 2) in bounded memory. Encrypted workbooks, .xls and .ods files are named as such.

The package, one module a job: `opening` (which kind of table a source is), `csv_reader` and
`decoding` (CSV text), `xlsx_reader` and `xlsx_private` (workbooks; the second alone uses
openpyxl's private API), `base` (the Table, the limits, finding the header). Nothing here
changes process-wide state: no global csv field limit, no warnings filter, no error handler
registered per table.
"""

from coachmentor.files.table.base import (
    FIELD_LIMIT,
    LINE_LIMIT,
    MAX_CELLS,
    XLSX_RATIO_FLOOR,
    XLSX_RATIO_LIMIT,
    XLSX_SHEET_LIMIT,
    Table,
    TableOptions,
    find_header,
)
from coachmentor.files.table.csv_reader import parse_delimiter, sniff_delimiter
from coachmentor.files.table.decoding import unmark
from coachmentor.files.table.opening import open_table
from coachmentor.files.table.xlsx_reader import _PartStream, cell_text

__all__ = [
    "FIELD_LIMIT", "LINE_LIMIT", "MAX_CELLS", "XLSX_RATIO_FLOOR", "XLSX_RATIO_LIMIT",
    "XLSX_SHEET_LIMIT", "Table", "TableOptions", "_PartStream", "cell_text", "find_header",
    "open_table", "parse_delimiter", "sniff_delimiter", "unmark",
]
