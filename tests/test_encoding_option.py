"""`--encoding` names a codec that cannot read the file at all (issue 20, item 3), and the
decoding code that could never run (item 8).

`--encoding utf-16|utf-32` on a file without a byte order mark, and `idna` or `punycode` (codecs
for domain names), ended in "internal error (UnicodeError)" in `assess` and `match`. Each is now
one line naming the file and what to give instead, exit 2.

Every CSV is decoded with an error handler that marks a byte it cannot read and never raises
(files/table.py), so the branch of `csv_failure` for UnicodeDecodeError, `locate_decode_error`,
`_cp1252_fallback` and the `except UnicodeDecodeError` arms around the reader could not run and
are gone; the property at the end is the proof that nothing but our InputFileError ever comes
out of reading a CSV, whatever its bytes and whatever text encoding is named.
"""

from __future__ import annotations

import codecs
import encodings.aliases

import pytest
from conftest import make_cli_runner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

STAFF = "staff_id,career_stage,focus\nS1,ECT,induction\nS2,trainee,induction\n"
SUPPORTERS = "staff_id,offers,career_stage,capacity\nS9,mentoring,senior_leader,2\n"


def cli(*args: object):
    from coachmentor.cli.app import app

    return make_cli_runner().invoke(app, [str(a) for a in args])


def one_line(result) -> str:
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "internal error" not in lines[0], result.stderr
    return lines[0]


@pytest.fixture
def files(tmp_path):
    (tmp_path / "staff.csv").write_text(STAFF, encoding="utf-8")
    (tmp_path / "sup.csv").write_text(SUPPORTERS, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("encoding, base", [("utf-16", "utf-16"), ("UTF16", "utf-16"),
                                            ("utf-32", "utf-32"), ("U32", "utf-32")])
def test_utf16_or_utf32_without_a_bom_says_which_byte_order_to_name(files, encoding, base):
    for argv in (["assess", files / "staff.csv"], ["match", files / "staff.csv", files / "sup.csv"]):
        line = one_line(cli(*argv, "--encoding", encoding, "-q"))
        assert str(files / "staff.csv") in line and "byte order mark" in line
        assert f"--encoding {base}-le" in line and f"--encoding {base}-be" in line


@pytest.mark.parametrize("encoding", ["idna", "punycode"])
def test_a_codec_for_domain_names_is_not_an_encoding_for_files(files, encoding):
    for argv in (["assess", files / "staff.csv"], ["match", files / "staff.csv", files / "sup.csv"]):
        line = one_line(cli(*argv, "--encoding", encoding, "-q"))
        assert f"--encoding: '{encoding}' is not an encoding for text files" in line


def test_a_utf8_file_named_utf16_is_told_it_is_utf8(files):
    (files / "bom.csv").write_bytes(b"\xef\xbb\xbf" + STAFF.encode())
    line = one_line(cli("assess", files / "bom.csv", "--encoding", "utf-16", "-q"))
    assert "this file is UTF-8" in line and "leave out --encoding" in line


def test_the_byte_order_named_as_suggested_reads_the_file(files):
    """The control: the name the message suggests works, and utf-16 with its BOM still does."""
    (files / "le.csv").write_bytes(STAFF.encode("utf-16-le"))
    done = cli("assess", files / "le.csv", "--encoding", "utf-16-le", "-q", "--format", "jsonl")
    assert done.exit_code == 0 and done.stdout.count('"status": "ok"') == 2, done.stderr
    (files / "bom.csv").write_bytes(STAFF.encode("utf-16"))
    done = cli("assess", files / "bom.csv", "--encoding", "utf-16", "-q", "--format", "jsonl")
    assert done.exit_code == 0 and done.stdout.count('"status": "ok"') == 2, done.stderr


def test_the_decoding_dead_code_is_gone():
    from coachmentor.files import messages, table

    assert not hasattr(messages, "locate_decode_error")
    assert not hasattr(messages, "FALLBACK_ERRORS")
    assert not hasattr(table, "_cp1252_fallback")


def _text_codecs() -> list[str]:
    names = set()
    for alias in {*encodings.aliases.aliases.values(), "utf_8_sig", "idna", "punycode",
                  "utf_16", "utf_32", "unicode_escape", "raw_unicode_escape"}:
        try:
            info = codecs.lookup(alias)
        except LookupError:
            continue
        if getattr(info, "_is_text_encoding", True):
            names.add(info.name)
    return sorted(names)


TEXT_CODECS = _text_codecs()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # unicode_escape on a stray backslash
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=300), encoding=st.sampled_from([None, *TEXT_CODECS]),
       header=st.sampled_from([b"", b"staff_id,career_stage,focus\n"]))
def test_reading_a_csv_raises_nothing_but_our_one_line_error(data, encoding, header):
    """Any bytes, any text codec Python has (or detection): every row comes out, or the file
    is refused with an InputFileError; never a UnicodeError."""
    import io

    from coachmentor.errors import InputFileError
    from coachmentor.files.table import open_table

    try:
        table = open_table("-", stdin=io.BytesIO(header + data), encoding=encoding)
    except InputFileError:
        return
    try:
        for _ in table.rows:
            pass
    except InputFileError:
        pass
    except Exception as exc:  # the csv module's own refusal of a record
        assert type(exc).__name__ == "Error", repr(exc)  # csv.Error: handled by the callers
    finally:
        table.close()
