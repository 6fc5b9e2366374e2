"""Shared fixtures for the coachmentor tests.

Generic and additive: the shipped rule base (loaded once), where the sources' stored copies
live, and a way to run the command line in-process with stdout and stderr kept apart.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHIPPED_RULES_PATH = REPO_ROOT / "rules" / "coachmentor.yaml"
# The five source articles' stored copies sit beside the repository (../shared/sources from
# the repo root, as in CI); a clone without them uses the extract it ships (tests/source_extract.py).
SOURCES_DIR = Path(__file__).resolve().parents[2] / "shared" / "sources"
SOURCES_EXTRACT_DIR = Path(__file__).resolve().parent / "fixtures" / "sources"


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")
CLI_ENV = {"COLUMNS": "100", "LINES": "50", "NO_COLOR": "1", "COACHMENTOR_RULES": None}


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def shipped_rules_path() -> Path:
    assert SHIPPED_RULES_PATH.is_file(), f"shipped rule base not found at {SHIPPED_RULES_PATH}"
    return SHIPPED_RULES_PATH


@pytest.fixture(scope="session")
def shipped_rules(shipped_rules_path):
    """The shipped rule base, loaded and validated once per test session."""
    from coachmentor import load_rules

    return load_rules(shipped_rules_path)


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    """The folder of the sources' text the quote checks read: the stored copies when they are
    beside the repository, else the extract the repository ships (every quoted paragraph;
    tests/test_source_extract.py checks it against the stored copies). Never skips; under CI
    the stored copies must be there."""
    if SOURCES_DIR.is_dir():
        return SOURCES_DIR
    if under_ci():
        pytest.fail(f"the sources' stored copies are not at {SOURCES_DIR} under CI")
    return SOURCES_EXTRACT_DIR


@pytest.fixture
def rules_copy(tmp_path, shipped_rules_path) -> Path:
    """A writable copy of the shipped rule base (and its schema) in tmp_path."""
    dest = tmp_path / "rules.yaml"
    shutil.copyfile(shipped_rules_path, dest)
    schema = shipped_rules_path.with_name("coachmentor.schema.json")
    if schema.is_file():
        shutil.copyfile(schema, tmp_path / schema.name)
    return dest


def make_cli_runner():
    """A CliRunner whose result keeps stderr apart from stdout, in any typer/click version."""
    from typer.testing import CliRunner

    try:
        return CliRunner(mix_stderr=False, env=dict(CLI_ENV))  # type: ignore[call-arg, unused-ignore]  # click < 8.2
    except TypeError:
        return CliRunner(env=dict(CLI_ENV))  # click >= 8.2 / typer's own: already separate


def invoke(*args: str | Path, input: str | bytes | None = None, env: dict | None = None,
           catch_exceptions: bool = False, runner=None):
    """The one way the tests run `coachmentor ARGS` in-process: a typer Result with stdout and
    stderr apart, in a 100x50 terminal without colour and without COACHMENTOR_RULES (`env`
    adds to that). By default anything but a clean exit fails the test with its traceback."""
    from coachmentor.cli.app import app

    argv: Sequence[str] = [str(a) for a in args]
    return (runner or make_cli_runner()).invoke(app, argv, input=input, env=env,
                                                catch_exceptions=catch_exceptions)


@pytest.fixture
def cli_runner():
    return make_cli_runner()


@pytest.fixture
def run_cli(cli_runner) -> Callable[..., object]:
    """run_cli(*args, input=None, env=None) -> typer Result of `coachmentor ARGS`."""

    def run(*args: str | Path, input: str | bytes | None = None, env: dict | None = None):
        return invoke(*args, input=input, env=env, runner=cli_runner)

    return run


# Property tests explore at random while developing; in CI (CI=true) they run a fixed
# sequence of examples, so a landing never depends on the luck of the draw.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    _hypothesis_settings.load_profile("ci")


def one_error_line(result, prefix: str = "", *fragments: str) -> str:
    """The contract's bad-input shape: exit 2, nothing on stdout, no traceback, and exactly
    one line on stderr, starting `coachmentor: error: PREFIX` and holding every fragment."""
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    err = result.stderr
    assert "Traceback" not in err and "internal error" not in err, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"coachmentor: error: {prefix}"), (prefix, lines[0])
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def run_questionnaire(rules, lines, answers=None):
    """Drive the questionnaire with scripted input lines (end of input after the last);
    returns (answers, what it printed)."""
    import io

    from rich.console import Console

    from coachmentor.cli.questionnaire import Questionnaire

    feed = iter(lines)

    def read(prompt: str) -> str:
        try:
            return next(feed)
        except StopIteration:
            raise EOFError from None

    out = io.StringIO()
    q = Questionnaire(rules, Console(file=out, width=100, color_system=None), dict(answers or {}), read=read)
    return q.run(), out.getvalue()


@pytest.fixture
def at_a_terminal() -> Callable[..., tuple[bytes, str, int]]:
    """at_a_terminal(*args) -> (stdout bytes, stderr, exit code) of the installed `coachmentor
    ARGS` with its standard output a pseudo-terminal (what a person at a terminal sees)."""
    import os
    import pty
    import subprocess
    import sys

    def run(*args: str) -> tuple[bytes, str, int]:
        exe = Path(sys.executable).with_name("coachmentor")
        master, slave = pty.openpty()
        proc = subprocess.Popen([str(exe), *map(str, args)], stdout=slave,
                                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                preexec_fn=default_signals)
        os.close(slave)
        chunks = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(master)
        stderr = proc.stderr.read().decode() if proc.stderr else ""
        return b"".join(chunks), stderr, proc.wait(timeout=60)

    return run


def pytest_collection_modifyitems(config, items):
    """The slow tests first (stable otherwise): under pytest-xdist each worker starts on the
    longest work, so no worker is left with a long sweep at the end while the other idles.
    (--dist loadgroup sends the xdist_group("answer_space") tests, which share one sweep, to
    one worker, and the longest test outside it to the other.)"""
    def order(item) -> tuple[bool, float]:
        slow = item.get_closest_marker("slow")
        return slow is None, -float(slow.kwargs.get("cost", 0)) if slow else 0.0

    items.sort(key=order)


def default_signals() -> None:
    """`preexec_fn` for a child a test interrupts or reads at a terminal: SIGINT, SIGTERM and
    SIGHUP back to their defaults. Run in the background (`pytest &`, a CI runner without a
    terminal), the tests' own process has SIGINT ignored, a child inherits that, and Ctrl-C
    would never reach it: the test would wait out its timeout instead of passing."""
    import signal

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
