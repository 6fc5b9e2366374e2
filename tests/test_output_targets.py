"""Special output targets are written to, never replaced (issue 10, item 2).

A character device, a FIFO or a socket is written straight into; a symlink is written through
(the link survives); an existing file keeps its permission bits; a full device is one line and
exit 2, with or without --debug; a failed --summary/--report says what was and was not written.

Tests that write to the real /dev/null and /dev/full repair the device if a regression replaced
it (only possible as root), so a failing test cannot break the machine for what runs after it.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import CLI_ENV, default_signals, one_error_line

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
ROWS = [
    ("S1", "Alice Example", "ECT", "induction"),
    ("S2", "Bob Example", "Senior Leader", "strategic"),
    ("S3", "Cara Example", "established", "Specific Practice"),
]
ONE_LINE = re.compile(r"coachmentor: error: cannot write (.+): ([^\n]+)\n")


def command() -> list[str]:
    exe = shutil.which("coachmentor", path=os.path.dirname(sys.executable))
    return [exe] if exe else [sys.executable, "-m", "coachmentor"]


def env() -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k != "COACHMENTOR_RULES"}
    return {**base, **{k: v for k, v in CLI_ENV.items() if v is not None}}


def run(*args, stdout=subprocess.PIPE, timeout=60, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([*command(), *map(str, args)], stdout=stdout,
                          stderr=subprocess.PIPE, env=env(), timeout=timeout, text=True, **kw)


@pytest.fixture
def staff(tmp_path) -> Path:
    path = tmp_path / "staff.csv"
    lines = ["staff_id,name,career_stage,focus\n"] + [",".join(r) + "\n" for r in ROWS]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def data_rows(text: str) -> list[str]:
    """The staff_id of every result row in CSV output."""
    return [line.split(",", 1)[0] for line in text.splitlines()[1:]]


@pytest.fixture
def real_device(request):
    """A real device under /dev, repaired afterwards if a regression replaced it."""
    path = request.param
    try:
        before = os.stat(path)
    except OSError:
        pytest.skip(f"{path} is not available here")
    if not stat.S_ISCHR(before.st_mode):
        pytest.skip(f"{path} is not a character device here")
    yield path
    after = os.lstat(path)
    if not stat.S_ISCHR(after.st_mode) and IS_ROOT:
        os.unlink(path)
        os.mknod(path, before.st_mode, before.st_rdev)
    assert stat.S_ISCHR(after.st_mode), f"{path} was replaced by a {stat.filemode(after.st_mode)}"


# --- devices ---------------------------------------------------------------------------------

@pytest.mark.parametrize("real_device", ["/dev/null"], indirect=True)
@pytest.mark.parametrize("option", ["-o", "--summary", "--report"])
def test_dev_null_stays_a_character_device(real_device, staff, tmp_path, option):
    before = os.stat(real_device)
    extra = [] if option == "-o" else ["-o", tmp_path / "out.csv"]
    done = run("assess", staff, "-q", *extra, option, real_device)
    assert done.returncode == 0, done.stderr
    after = os.stat(real_device)
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    assert stat.S_IMODE(after.st_mode) == stat.S_IMODE(before.st_mode)


@pytest.mark.parametrize("real_device", ["/dev/null"], indirect=True)
def test_advise_and_template_write_into_dev_null(real_device):
    done = run("advise", "--set", "career_stage=ECT", "--set", "focus=induction",
               "-o", real_device)
    assert done.returncode == 0, done.stderr
    done = run("template", "-o", real_device)  # not 'already exists': it is not a file
    assert done.returncode == 0, done.stderr
    assert stat.S_ISCHR(os.stat(real_device).st_mode)


@pytest.mark.skipif(not IS_ROOT or not hasattr(os, "mknod"), reason="mknod needs root")
def test_a_device_node_of_our_own_is_written_into(staff, tmp_path):
    node = tmp_path / "null"
    os.mknod(node, 0o640 | stat.S_IFCHR, os.makedev(1, 3))  # the same device as /dev/null
    done = run("assess", staff, "-q", "-o", node)
    assert done.returncode == 0, done.stderr
    st = os.lstat(node)
    assert stat.S_ISCHR(st.st_mode) and st.st_rdev == os.makedev(1, 3)
    assert stat.S_IMODE(st.st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null", "staff.csv"]  # no temp file


# --- a full device: one line, exit 2, --debug or not -------------------------------------------

FULL_CASES = {
    "assess -o /dev/full": (["assess", "{staff}", "-q", "-o", "{full}"], False, "{full}"),
    "assess > /dev/full": (["assess", "{staff}", "-q"], True, "standard output"),
    "assess -o - > /dev/full": (["assess", "{staff}", "-q", "-o", "-"], True, "standard output"),
    "assess --format jsonl > /dev/full": (["assess", "{staff}", "-q", "--format", "jsonl"], True,
                                          "standard output"),
    "advise > /dev/full": (["advise", "--set", "career_stage=ECT", "--set", "focus=induction"],
                           True, "standard output"),
    "advise --format json > /dev/full": (["advise", "--set", "career_stage=ECT", "--set",
                                          "focus=induction", "--format", "json"], True,
                                         "standard output"),
    "advise -o /dev/full": (["advise", "--set", "career_stage=ECT", "--set", "focus=induction",
                             "-o", "{full}"], False, "{full}"),
    "template > /dev/full": (["template"], True, "standard output"),
}


@pytest.mark.parametrize("real_device", ["/dev/full"], indirect=True)
@pytest.mark.parametrize("debug", [False, True], ids=["plain", "debug"])
@pytest.mark.parametrize("case", list(FULL_CASES))
def test_full_device_is_one_line_and_exit_2(real_device, staff, case, debug):
    argv, to_stdout, target = FULL_CASES[case]
    argv = [a.format(staff=staff, full=real_device) for a in argv] + (["--debug"] if debug else [])
    with open(real_device, "w") as sink:
        done = run(*argv, stdout=sink if to_stdout else subprocess.PIPE)
    assert done.returncode == 2, done.stderr
    m = ONE_LINE.fullmatch(done.stderr)
    assert m, done.stderr  # exactly one line: no traceback, no 'Exception ignored' at exit
    assert m.group(1) == target.format(full=real_device)
    assert m.group(2) == os.strerror(28)  # ENOSPC, in the system's words
    assert stat.S_ISCHR(os.stat(real_device).st_mode)


# --- FIFOs and sockets: written straight into, still there afterwards ------------------------

class Reader(threading.Thread):
    """Reads a FIFO to its end, as `cat fifo` would."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path, self.data = path, b""

    def run(self) -> None:
        with open(self.path, "rb") as fh:
            self.data = fh.read()

    def finish(self) -> None:
        self.join(timeout=10)
        if self.is_alive():  # nobody ever opened the FIFO for writing: release the reader
            release(self.path)
            self.join(timeout=5)


def release(fifo: Path) -> None:
    """Open and close `fifo` for writing, so a reader blocked in open() returns."""
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:
        pass


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_fifo_reader_gets_every_row_and_the_fifo_survives(staff, tmp_path, fmt):
    fifo = tmp_path / "results.pipe"
    os.mkfifo(fifo, 0o640)
    reader = Reader(fifo)
    reader.start()
    done = run("assess", staff, "-q", "--format", fmt, "-o", fifo, timeout=60)
    reader.finish()
    assert done.returncode == 0, done.stderr
    text = reader.data.decode("utf-8")
    if fmt == "csv":
        assert data_rows(text) == [r[0] for r in ROWS]
    else:
        assert [line.split('"staff_id": "')[1][:2] for line in text.splitlines()] == \
            [r[0] for r in ROWS]
    st = os.lstat(fifo)
    assert stat.S_ISFIFO(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.pipe", "staff.csv"]


def test_advise_and_template_write_into_a_fifo(tmp_path):
    fifo = tmp_path / "out.pipe"
    os.mkfifo(fifo)
    for argv in (["advise", "--set", "career_stage=ECT", "--set", "focus=induction",
                  "--format", "json", "-o", fifo], ["template", "-o", fifo]):
        reader = Reader(fifo)
        reader.start()
        done = run(*argv)
        reader.finish()
        assert done.returncode == 0, done.stderr
        assert reader.data, argv
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_interrupt_while_a_fifo_reader_is_slow(tmp_path):
    """SIGINT while blocked writing into a FIFO: exit 130, the FIFO still a FIFO, no temp file."""
    big = tmp_path / "big.csv"
    big.write_text("staff_id,name,career_stage,focus\n" + "".join(
        f"S{i},Person {i},ECT,induction\n" for i in range(20_000)), encoding="utf-8")
    fifo = tmp_path / "results.pipe"
    os.mkfifo(fifo)
    proc = subprocess.Popen([*command(), "assess", str(big), "-o", str(fifo)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env(),
                            preexec_fn=default_signals)
    held: list[int] = []
    opened = threading.Event()

    def hold() -> None:  # open it for reading, then read nothing more: the pipe fills up
        held.append(os.open(fifo, os.O_RDONLY))
        opened.set()

    threading.Thread(target=hold, daemon=True).start()
    try:
        if not opened.wait(30):  # the run never opened the FIFO (it replaced it?): no hang
            release(fifo)
            pytest.fail("coachmentor never opened the FIFO for writing")
        fd = held[0]
        try:
            first = os.read(fd, 100)
            assert first.startswith(b"staff_id"), first
            time.sleep(1.0)
            assert proc.poll() is None, "the run ended although nobody read the results"
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=30)
        finally:
            os.close(fd)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err.decode()
    assert b"interrupted" in err and b"Traceback" not in err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.csv", "results.pipe"]


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="needs Unix sockets")
def test_unix_socket_is_written_into(staff, tmp_path):
    path = tmp_path / "results.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)
    server.settimeout(30)
    received: list[bytes] = []

    def serve() -> None:
        try:
            conn, _ = server.accept()
        except OSError:
            return
        with conn:
            while chunk := conn.recv(65536):
                received.append(chunk)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        done = run("assess", staff, "-q", "-o", path)
        thread.join(timeout=10)
    finally:
        server.close()
    assert done.returncode == 0, done.stderr
    assert data_rows(b"".join(received).decode("utf-8")) == [r[0] for r in ROWS]
    assert stat.S_ISSOCK(os.lstat(path).st_mode)


def test_dev_stdout_writes_into_our_own_standard_output(staff):
    if not os.path.exists("/dev/stdout"):
        pytest.skip("no /dev/stdout here")
    done = run("assess", staff, "-q", "-o", "/dev/stdout")  # standard output is a pipe
    assert done.returncode == 0, done.stderr
    assert data_rows(done.stdout) == [r[0] for r in ROWS]


# --- symlinks and permissions ------------------------------------------------------------------

def test_symlink_survives_and_its_target_is_updated_keeping_its_mode(staff, tmp_path):
    folder = tmp_path / "kept"
    folder.mkdir()
    target = folder / "results.csv"
    target.write_text("old\n")
    target.chmod(0o640)
    link = tmp_path / "latest.csv"
    link.symlink_to(target)
    done = run("assess", staff, "-q", "-o", link)
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert data_rows(target.read_text()) == [r[0] for r in ROWS]
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in folder.iterdir()) == ["results.csv"]  # no temp file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept", "latest.csv", "staff.csv"]


def test_dangling_symlink_is_refused_and_left_alone(run_cli, staff, tmp_path):
    link = tmp_path / "results.csv"
    link.symlink_to(tmp_path / "nowhere.csv")
    result = run_cli("assess", staff, "-q", "-o", link)
    one_error_line(result, f"cannot write {link}", "symbolic link", "nowhere.csv")
    assert link.is_symlink() and not (tmp_path / "nowhere.csv").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.csv", "staff.csv"]


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o600, 0o664])
@pytest.mark.parametrize("option", ["-o", "--summary", "--report"])
def test_existing_file_keeps_its_permission_bits(run_cli, staff, tmp_path, mode, option):
    path = tmp_path / {"-o": "out.csv", "--summary": "s.json", "--report": "r.html"}[option]
    path.write_text("old\n")
    path.chmod(mode)
    extra = [] if option == "-o" else ["-o", tmp_path / "results.csv"]
    result = run_cli("assess", staff, "-q", *extra, option, path)
    assert result.exit_code == 0, result.stderr
    assert path.read_text() != "old\n"
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_advise_and_template_keep_an_existing_files_mode(run_cli, tmp_path):
    advice, template = tmp_path / "advice.md", tmp_path / "staff.csv"
    for path in (advice, template):
        path.write_text("old\n")
        path.chmod(0o644)
    result = run_cli("advise", "--set", "career_stage=ECT", "--set", "focus=induction",
                     "--format", "markdown", "-o", advice)
    assert result.exit_code == 0, result.stderr
    result = run_cli("template", "-o", template, "--force")
    assert result.exit_code == 0, result.stderr
    for path in (advice, template):
        assert path.read_text() != "old\n"
        assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_new_files_results_private_template_by_umask(run_cli, staff, tmp_path):
    """Results, summaries, reports and advice hold personal data: new files are 0600. A
    template holds none: 0666 less the umask, like any file the user's shell would create."""
    mask = os.umask(0o022)
    try:
        result = run_cli("assess", staff, "-q", "-o", tmp_path / "r.csv",
                         "--summary", tmp_path / "s.json", "--report", tmp_path / "r.html")
        assert result.exit_code == 0, result.stderr
        result = run_cli("advise", "--set", "career_stage=ECT", "--set", "focus=induction",
                         "-o", tmp_path / "advice.txt")
        assert result.exit_code == 0, result.stderr
        for name in ("t.csv", "t.xlsx"):
            result = run_cli("template", "-o", tmp_path / name)
            assert result.exit_code == 0, result.stderr
    finally:
        os.umask(mask)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()}
    assert modes == {"staff.csv": modes["staff.csv"], "r.csv": 0o600, "s.json": 0o600,
                     "r.html": 0o600, "advice.txt": 0o600, "t.csv": 0o644, "t.xlsx": 0o644}


# --- what was written when a later output fails -------------------------------------------------

def test_failed_summary_after_output_says_what_was_written(run_cli, staff, tmp_path):
    out, report = tmp_path / "results.csv", tmp_path / "report.html"
    blocker = tmp_path / "afile"
    blocker.write_text("")
    summary = blocker / "summary.json"  # a file where a folder should be: fails even as root
    result = run_cli("assess", staff, "-q", "-o", out, "--summary", summary, "--report", report)
    line = one_error_line(result)
    prefix = f"coachmentor: error: wrote {out}; cannot write {summary}: "
    assert line.startswith(prefix) and line.endswith(f"; {report} not written"), line
    assert line[len(prefix):-len(f"; {report} not written")]  # the reason, whatever its words
    assert data_rows(out.read_text()) == [r[0] for r in ROWS]  # the results are complete
    assert not report.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "results.csv", "staff.csv"]


@pytest.mark.skipif(IS_ROOT, reason="root may write in a read-only folder")
def test_summary_in_a_folder_we_may_not_write(run_cli, staff, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    out = tmp_path / "results.csv"
    try:
        result = run_cli("assess", staff, "-q", "-o", out, "--summary", locked / "s.json")
    finally:
        locked.chmod(0o755)
    line = one_error_line(result, f"wrote {out}; cannot write {locked / 's.json'}: ")
    assert line.endswith(os.strerror(13))  # EACCES, in the system's words
    assert out.exists() and list(locked.iterdir()) == []


@pytest.mark.parametrize("real_device", ["/dev/full"], indirect=True)
def test_failed_report_after_output_and_summary(run_cli, staff, tmp_path, real_device):
    out, summary = tmp_path / "results.csv", tmp_path / "summary.json"
    result = run_cli("assess", staff, "-q", "-o", out, "--summary", summary,
                     "--report", real_device, "--debug")
    one_error_line(result, f"wrote {out}, {summary}; cannot write {real_device}: ")
    assert out.exists() and summary.exists()


def test_failed_output_names_what_was_not_written(run_cli, staff, tmp_path):
    blocker = tmp_path / "afile"
    blocker.write_text("")
    out, summary = blocker / "results.csv", tmp_path / "summary.json"
    result = run_cli("assess", staff, "-q", "-o", out, "--summary", summary)
    line = one_error_line(result, f"cannot write {out}: ")
    assert line.endswith(f"; {summary} not written"), line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "staff.csv"]
