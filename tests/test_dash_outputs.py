"""'-' means standard output for every file a command writes, as it means standard input for
the files it reads (the csvkit convention): `--summary -` prints the JSON summary instead of
making a file called '-', and two outputs can never both claim standard output."""

from __future__ import annotations

import json
import os

import pytest

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "examples")
STAFF = os.path.join(EXAMPLES, "staff.csv")
SUPPORTERS = os.path.join(EXAMPLES, "supporters.csv")


@pytest.mark.parametrize("command", [
    ["assess", STAFF],
    ["match", STAFF, SUPPORTERS],
])
def test_summary_dash_is_standard_output(run_cli, tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    result = run_cli(*command, "-o", tmp_path / "out.csv", "--summary", "-", "-q")
    assert result.exit_code in (0, 1), result.stderr
    assert isinstance(json.loads(result.stdout), dict)  # the JSON summary, on standard output
    assert not (tmp_path / "-").exists()
    assert (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("extra", [
    ["--summary", "-"],  # the results already go to standard output (no -o)
    ["-o", "-", "--summary", "-"],
    ["-o", "out.csv", "--summary", "-", "--report", "-"],
])
def test_two_outputs_never_share_standard_output(run_cli, tmp_path, monkeypatch, extra):
    monkeypatch.chdir(tmp_path)
    result = run_cli("assess", STAFF, *extra)
    assert result.exit_code == 2
    assert "only one output can be standard output ('-')" in result.stderr
    assert result.stdout == ""
    assert os.listdir(tmp_path) == []  # nothing written
