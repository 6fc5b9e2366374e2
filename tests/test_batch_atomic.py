"""atomic.py: a temporary file beside the target, renamed only on success."""

from __future__ import annotations

import pytest

from coachmentor.files.atomic import atomic_open


@pytest.mark.parametrize("exc", [ValueError, KeyboardInterrupt])
def test_failure_keeps_the_old_file_and_leaves_no_temporary(tmp_path, exc):
    target = tmp_path / "out.csv"
    target.write_text("old")
    with pytest.raises(exc), atomic_open(target, "w", encoding="utf-8") as fh:
        fh.write("half of the new")
        assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
        raise exc
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_success_replaces_the_file(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    with atomic_open(target, "w", encoding="utf-8") as fh:
        fh.write("new")
        assert target.read_text() == "old"  # not before the end
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
