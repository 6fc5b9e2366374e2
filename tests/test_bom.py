"""A byte order mark on CSV/TSV results: Excel on Windows reads a CSV as UTF-8 only with one
(without it, 'Zoë' opens as 'ZoÃ«'). Files written with -o get one by default; standard
output (scripts, pipes) does not, unless the input had one; --bom and --no-bom decide."""

from __future__ import annotations

import csv
import io

import pytest

BOM = b"\xef\xbb\xbf"
STAFF = "staff_id,name,career_stage,focus\nA1,Zoë Brontë,ECT,induction\n"


@pytest.fixture
def staff(tmp_path):
    path = tmp_path / "staff.csv"
    path.write_text(STAFF, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["results.csv", "results.tsv", "results.txt"])
def test_a_file_gets_a_bom_by_default_and_reads_back_the_same(run_cli, staff, tmp_path, name):
    out = tmp_path / name
    result = run_cli("assess", staff, "-o", out, "-q")
    assert result.exit_code == 0, result.stderr
    data = out.read_bytes()
    assert data.startswith(BOM) and not data[3:].startswith(BOM)
    delimiter = "\t" if name.endswith(".tsv") else ","
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))
    assert rows[0]["staff_id"] == "A1" and rows[0]["name"] == "Zoë Brontë"


def test_no_bom_turns_it_off(run_cli, staff, tmp_path):
    out = tmp_path / "results.csv"
    assert run_cli("assess", staff, "-o", out, "-q", "--no-bom").exit_code == 0
    assert out.read_bytes().startswith(b"staff_id,")


def test_standard_output_has_none_unless_asked(run_cli, staff):
    plain = run_cli("assess", staff, "-q")
    assert plain.exit_code == 0 and plain.stdout_bytes.startswith(b"staff_id,")
    asked = run_cli("assess", staff, "-q", "--bom")
    assert asked.stdout_bytes.startswith(BOM + b"staff_id,")


def test_an_input_with_a_bom_keeps_it_on_standard_output(run_cli, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(BOM + STAFF.encode("utf-8"))
    assert run_cli("assess", path, "-q").stdout_bytes.startswith(BOM + b"staff_id,")
    assert run_cli("assess", path, "-q", "--no-bom").stdout_bytes.startswith(b"staff_id,")


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_json_never_gets_one(run_cli, staff, tmp_path, fmt):
    out = tmp_path / f"results.{fmt}"
    assert run_cli("assess", staff, "-o", out, "-q", "--bom").exit_code == 0
    assert out.read_bytes()[:1] in (b"{", b"[")


def test_dev_stdout_is_standard_output_and_gets_none(staff, tmp_path):
    # `-o /dev/stdout` writes into the descriptor the shell gave (here a file): standard
    # output, as a script means it, not a file coachmentor makes.
    import subprocess
    import sys
    from pathlib import Path

    exe = Path(sys.executable).with_name("coachmentor")
    target = tmp_path / "redirected.csv"
    with open(target, "wb") as fh:
        done = subprocess.run([str(exe), "assess", str(staff), "-q", "-o", "/dev/stdout"],
                              stdout=fh, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                              timeout=60)
    assert done.returncode == 0, done.stderr
    assert target.read_bytes().startswith(b"staff_id,")


SUPPORTERS = "staff_id,name,offers,career_stage,capacity\nS1,Zoë Mentor,mentoring,established,1\n"


@pytest.mark.parametrize("args, name", [
    (("template",), "template.csv"),
    (("template", "--supporters"), "supporters.csv"),
    (("match", "{staff}", "{supporters}", "-q"), "pairs.csv"),
    (("match", "{staff}", "{supporters}", "-q"), "pairs.tsv"),
])
def test_match_and_templates_follow_the_same_bom_rule(run_cli, staff, tmp_path, args, name):
    # Issue 12: "--bom is on assess only": match's pairs and the templates opened in Excel
    # need it just as much (a supporter called Zoë).
    supporters = tmp_path / "sup.csv"
    supporters.write_text(SUPPORTERS, encoding="utf-8")
    argv = [a.format(staff=staff, supporters=supporters) for a in args]
    out = tmp_path / name
    assert run_cli(*argv, "-o", out).exit_code == 0
    data = out.read_bytes()
    assert data.startswith(BOM) and not data[3:].startswith(BOM)
    if argv[0] == "match":
        assert "Zoë Mentor" in data.decode("utf-8-sig")
    off = tmp_path / ("off-" + name)
    assert run_cli(*argv, "-o", off, "--no-bom").exit_code == 0
    assert off.read_bytes() == data[3:]
    to_stdout = run_cli(*argv)
    assert to_stdout.exit_code == 0 and not to_stdout.stdout_bytes.startswith(BOM)
    forced = run_cli(*argv, "--bom")
    assert forced.stdout_bytes.startswith(BOM)


def test_a_template_with_a_bom_is_read_back(run_cli, tmp_path):
    template = tmp_path / "staff.csv"
    assert run_cli("template", "-o", template).exit_code == 0
    result = run_cli("assess", template, "-q")
    assert result.exit_code == 0 and result.stdout.lstrip("\ufeff").startswith("staff_id")
