"""One stray byte does not discard a file (issue 10, item 7).

A byte that the file's encoding does not allow makes its row an `error` row (the cell shown
with U+FFFD, the error naming the column, the byte and --encoding) and the run goes on; only a
header holding one is a file-level error. UTF-32 with a BOM is read; a doubled UTF-8 BOM is
stripped. Random non-ASCII bytes dropped into a valid CSV never crash the run.
"""

from __future__ import annotations

import csv
import io

import pytest
from conftest import one_error_line
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

HEADER = "staff_id,name,career_stage,focus\n"


def rows_text(n: int) -> str:
    return "".join(f"S{i},Person {i},ECT,induction\n" for i in range(1, n + 1))


def records(result) -> list[dict]:
    text = result.stdout_bytes.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def with_bad_byte(n: int, row: int, byte: bytes, encoding: str = "utf-8") -> bytes:
    data = (HEADER + rows_text(n)).encode(encoding)
    target = f"Person {row},".encode(encoding)
    at = data.index(target) + len("Per".encode(encoding))
    return data[:at] + byte + data[at:]


def test_bad_byte_in_the_middle_makes_one_error_row(run_cli, tmp_path):
    # Far past the sniffed sample and the first read: the run was stopping there.
    path = tmp_path / "staff.csv"
    path.write_bytes(with_bad_byte(10_000, 5_001, b"\x81"))
    result = run_cli("assess", path)
    assert result.exit_code == 1, result.stderr
    recs = records(result)
    assert len(recs) == 10_000
    bad = recs[5_000]
    assert bad["staff_id"] == "S5001" and bad["status"] == "error"
    assert bad["name"] == "Per\ufffdson 5001"
    assert "'name'" in bad["error"] and "0x81" in bad["error"]
    assert "not valid in the file's encoding" in bad["error"] and "--encoding" in bad["error"]
    assert [r["status"] for r in recs[:5_000]] == ["ok"] * 5_000
    assert [r["status"] for r in recs[5_001:]] == ["ok"] * 4_999
    assert "row 5002 (staff_id S5001)" in result.stderr and "Person" not in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_byte_with_a_named_encoding(run_cli, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_bytes(with_bad_byte(3, 2, b"\xff"))
    result = run_cli("assess", path, "--encoding", "utf-8", "-q")
    assert result.exit_code == 1
    recs = records(result)
    assert [r["status"] for r in recs] == ["ok", "error", "ok"]
    assert "0xff" in recs[1]["error"] and "utf-8" in recs[1]["error"]
    assert recs[1]["name"] == "Per\ufffdson 2"


def test_bad_byte_in_utf16_text(run_cli, tmp_path):
    # A lone high surrogate (0xD800) where a character should be.
    path = tmp_path / "staff.txt"
    path.write_bytes(b"\xff\xfe" + with_bad_byte(3, 2, b"\x00\xd8", "utf-16-le"))
    result = run_cli("assess", path, "-q")
    assert result.exit_code == 1, result.stderr
    assert [r["status"] for r in records(result)] == ["ok", "error", "ok"]


def test_bad_byte_in_a_row_the_csv_reader_refuses(run_cli, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_bytes((HEADER + "S1,Ann,ECT,induction\n").encode()
                     + b'S2,"B\x81ob" x,ECT,induction\nS3,Cy,ECT,induction\n')
    result = run_cli("assess", path, "-q")
    assert result.exit_code == 1, result.stderr
    recs = records(result)
    assert [r["status"] for r in recs] == ["ok", "error", "ok"]
    assert "\ufffd" in recs[1]["name"] and "--encoding" in recs[1]["error"]


def test_bad_byte_in_a_redacted_name(run_cli, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_bytes(with_bad_byte(3, 2, b"\x81"))
    result = run_cli("assess", path, "--redact", "-q",
                     env={"COACHMENTOR_REDACT_KEY": "k"})
    assert result.exit_code == 1, result.stderr
    recs = records(result)
    assert [r["status"] for r in recs] == ["ok", "error", "ok"]
    assert all(r["name"].startswith("anon-") for r in recs)


def test_bad_byte_in_the_header_is_a_file_error(run_cli, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_bytes(b"staff_id,na\x81me,career_stage,focus\n" + rows_text(2).encode())
    one_error_line(run_cli("assess", path), f"{path}: ", "0x81", "line 1", "--encoding")


def test_doubled_bom_is_stripped(run_cli, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_bytes(b"\xef\xbb\xbf\xef\xbb\xbf" + (HEADER + rows_text(2)).encode())
    result = run_cli("assess", path, "-q")
    assert result.exit_code == 0, result.stderr
    recs = records(result)
    assert list(recs[0])[0] == "staff_id" and [r["staff_id"] for r in recs] == ["S1", "S2"]


def test_utf32_with_bom_is_read(run_cli, tmp_path):
    for codec, bom in (("utf-32-le", b"\xff\xfe\x00\x00"), ("utf-32-be", b"\x00\x00\xfe\xff")):
        path = tmp_path / f"{codec}.csv"
        path.write_bytes(bom + (HEADER + "Z1,Zoë,ECT,induction\n").encode(codec))
        result = run_cli("assess", path, "-q")
        assert result.exit_code == 0, (codec, result.stderr)
        (rec,) = records(result)
        assert rec["name"] == "Zoë" and rec["status"] == "ok", codec


# --- a property: stray bytes never crash the run ------------------------------------------

BASE = (HEADER + rows_text(6)).encode()
FIRST_DATA = len(HEADER)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(FIRST_DATA, len(BASE) - 1),  # not after the last line break
                          st.binary(min_size=1, max_size=3).map(
                              lambda b: bytes(0x80 | x for x in b))),
                min_size=1, max_size=4))
@pytest.mark.slow(cost=10)
def test_stray_bytes_never_crash(run_cli, tmp_path_factory, inserts):
    """Non-ASCII bytes (never a delimiter, quote or line break) dropped into the data rows:
    exit 0, 1 or 2, never a traceback, and one output row per input row."""
    data = BASE
    for at, junk in sorted(inserts, reverse=True):
        data = data[:at] + junk + data[at:]
    for encoding in (None, "utf-8"):
        args = ["assess", "-", "-q"] + (["--encoding", encoding] if encoding else [])
        result = run_cli(*args, input=data)
        assert result.exit_code in (0, 1, 2), result.exit_code
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr
        if result.exit_code in (0, 1):
            assert len(records(result)) == 6
