"""Writing outputs: atomically to files, straight into devices, pipes and sockets.

- A regular file, or a name that does not exist yet, is written atomically: a temporary file
  in the same folder, then a rename. An interrupted or failed run leaves either the complete
  new file or the old state, never a half-written file, and never a stray temporary file.
  An existing file keeps its permission bits (and, where allowed, its group); a new file gets
  0600 when it holds personal data (`private=True`, the default), else 0666 less the umask.
- A symbolic link is written through: the file it points to is replaced atomically and the
  link itself survives. A dangling link is refused (exit 2): following it would create a file
  wherever the link says, which may not be where the user thinks (a link planted in a shared
  folder).
- A character device (/dev/null), a FIFO, a socket, or a name for one of our own file
  descriptors (/dev/stdout, /dev/fd/N, /proc/self/fd/N) is opened and written straight into:
  no temporary file, no rename, so the device or pipe stays what it was and a reader gets
  every byte.

Every failure is an `OutputError`: `cannot write NAME: reason`, exit 2. A reader that goes
away (EPIPE) stays a BrokenPipeError, which the CLI treats like `| head`.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from coachmentor.errors import OutputError

PRIVATE_MODE = 0o600
_FD_NAME = re.compile(r"/(?:dev|proc/self|proc/thread-self|proc/([0-9]+))/fd/([0-9]+)")
_STD_NAMES = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def atomic_open(path: str | os.PathLike[str], mode: str = "w", *, perms: int | None = None,
                group: int | None = None, **kwargs: Any) -> Iterator[IO[Any]]:
    """Open a temporary file beside `path`; on success it replaces `path`, else it is removed.

    `perms`: the new file's permission bits (default 0600, mkstemp's); `group`: its group id,
    set when allowed. Raises OSError; `open_output` is the caller-facing entry point.

    The temporary file is named `.NAME.PID.XXXXXXXX.tmp` (this process's id) and locked
    (flock) while it is written, so that another run's sweep (`remove_stale_temps`) can tell
    a live writer's file from a killed one's."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp",
                               dir=folder)
    try:
        _lock(fd)
        if group is not None:
            try:
                os.fchown(fd, -1, group)
            except OSError:
                pass  # not a member of that group: keep ours
        if perms is not None and perms != PRIVATE_MODE:
            os.fchmod(fd, perms)  # before a byte is written
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


BOM = "\ufeff"


def with_bom(text: str, bom: bool | None, output: str | os.PathLike[str] | None) -> str:
    """CSV/TSV `text` with a byte order mark when `bom` says so, or by default (None) when it
    goes to a file (Excel on Windows reads accents only then), never twice."""
    wanted = bom if bom is not None else output is not None and writes_a_file(output)
    return BOM + text if wanted and not text.startswith(BOM) else text


def replaces_a_file(path: Path | None) -> bool:
    """Whether writing `path` replaces a file that is there now (said, never silently)."""
    return path is not None and path.is_file() and writes_a_file(path)


def writes_a_file(path: str | os.PathLike[str]) -> bool:
    """Whether open_output(path) makes or replaces a file, rather than writing into a
    descriptor this process holds (/dev/stdout), a device or a pipe."""
    name = os.fspath(path)
    if _fd_alias(name) is not None:
        return False
    try:
        return stat.S_ISREG(os.stat(name).st_mode)
    except FileNotFoundError:
        return True
    except OSError:
        return False


def _fd_alias(name: str) -> int | None:
    """N when `name` (or a symlink chain from it) is /dev/stdout, /dev/fd/N, /proc/self/fd/N:
    a name for a file descriptor this process already holds."""
    path = os.path.abspath(name)
    for _ in range(40):  # the kernel's own limit on a chain of links
        if path in _STD_NAMES:
            return _STD_NAMES[path]
        m = _FD_NAME.fullmatch(path)
        if m and (m.group(1) is None or int(m.group(1)) == os.getpid()):
            return int(m.group(2))
        try:
            link = os.readlink(path)
        except OSError:
            return None
        path = os.path.normpath(os.path.join(os.path.dirname(path), link))
    return None


def _open_straight(name: str, st: os.stat_result | None) -> int:
    """A descriptor open for writing on the device, FIFO or socket `name` (no truncation, no
    creation: it exists and is not a regular file). Opening a FIFO waits for a reader."""
    if st is not None and stat.S_ISSOCK(st.st_mode):
        import socket

        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(name)
        except OSError:
            sock.close()
            raise
        return sock.detach()
    return os.open(name, os.O_WRONLY | os.O_NOCTTY)


@contextmanager
def _straight(fd: int, mode: str, **kwargs: Any) -> Iterator[IO[Any]]:
    with os.fdopen(fd, mode, **kwargs) as fh:
        yield fh
        fh.flush()


@contextmanager
def open_output(path: str | os.PathLike[str], mode: str = "w", *, private: bool = True,
                **kwargs: Any) -> Iterator[IO[Any]]:
    """Open the output `path` for writing, the way its kind of file needs (see the module
    docstring). Any failure, on opening or on writing in the `with` body, is an OutputError
    naming `path` as given."""
    name = os.fspath(path)
    try:
        alias = _fd_alias(name)
        if alias is not None:
            opened = _straight(os.dup(alias), mode, **kwargs)
        else:
            try:
                st: os.stat_result | None = os.stat(name)
            except FileNotFoundError:
                if os.path.islink(name):
                    raise OutputError(
                        name, "dangling symbolic link",
                        f"cannot write {name}: it is a symbolic link to {os.readlink(name)}, "
                        "which does not exist; create that file first, or give another name",
                    ) from None
                st = None
            if st is None:
                perms = PRIVATE_MODE if private else 0o666 & ~_umask()
                opened = atomic_open(name, mode, perms=perms, **kwargs)
            elif stat.S_ISREG(st.st_mode):
                real = os.path.realpath(name)
                try:
                    same = os.path.samestat(os.stat(real), st)
                except OSError:
                    same = False
                if same:  # replace the file, at its real place: a symlink to it survives
                    opened = atomic_open(real, mode, perms=stat.S_IMODE(st.st_mode),
                                         group=st.st_gid, **kwargs)
                else:  # e.g. /proc/<pid>/fd/N of a deleted file: only writing into it works
                    opened = _straight(os.open(name, os.O_WRONLY | os.O_TRUNC), mode, **kwargs)
            else:
                opened = _straight(_open_straight(name, st), mode, **kwargs)
        with opened as fh:
            yield fh
    except BrokenPipeError:
        raise  # the reader went away: the CLI stops quietly, as for `| head`
    except OSError as exc:
        raise OutputError(name, _reason(exc)) from None


def write_output(path: str | os.PathLike[str], data: str | bytes, *,
                 private: bool = True) -> None:
    """Write all of `data` to the output `path` (see `open_output`)."""
    if isinstance(data, bytes):
        with open_output(path, "wb", private=private) as fh:
            fh.write(data)
    else:
        with open_output(path, "w", private=private, encoding="utf-8", newline="") as fh:
            fh.write(data)


# --- standard output -------------------------------------------------------------------------

STDOUT = "standard output"


def stdout_failed(exc: OSError) -> OutputError:
    """The OutputError for a failed write to standard output. Standard output is pointed at
    /dev/null first, so the interpreter's own flush at exit does not fail a second time (a
    traceback-like 'Exception ignored' and exit status 120)."""
    silence_stdout()
    return OutputError(STDOUT, _reason(exc))


def silence_stdout() -> None:
    """Point standard output at /dev/null (after a failed write, or a reader that went away)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.stdout.fileno())
        finally:
            os.close(devnull)
    except Exception:  # no real descriptor (a test runner's capture)
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives until exit
        except OSError:
            pass


def write_stdout(text: str | bytes) -> None:
    """Write `text` (bytes: a workbook) to standard output and flush it now, so a full disk or
    a closed pipe is met here (one clear line, exit 2) and not at exit."""
    try:
        if isinstance(text, bytes):
            sys.stdout.flush()  # whatever text went before comes first
            sys.stdout.buffer.write(text)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise stdout_failed(exc) from None


def _lock(fd: int, wait: bool = True) -> bool:
    """Take the exclusive lock (flock) on `fd`; False when another process holds it (with
    `wait=False`). Where there is no flock, nothing is locked and it says True."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    except OSError:
        return True  # a file system without locks: the process id still tells
    return True


def _alive(pid: int) -> bool:
    """Whether process `pid` exists (signal 0 checks without sending anything)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # someone else's process (or a number no process has): leave it be
    return True


def remove_stale_temps(path: str | os.PathLike[str], older_than: float) -> list[str]:
    """Remove the temporary files an earlier run writing `path` left beside it when it was
    killed outright (kill -9, a power cut: no clean-up can run then). Only a file whose writer
    is gone goes: named as `atomic_open` names them (`.NAME.PID.XXXXXXXX.tmp`, or without the
    PID from older versions), owned by this user, last modified before `older_than` (this
    run's start), its process id not running, and its lock free (a writer holds it until it
    is done: a run in another PID namespace, a container, is seen by it). A second run writing
    the same output at once leaves the first one's file alone. Returns the names removed."""
    import re

    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    pattern = re.compile(re.escape(f".{target.name}.") + r"(?:([0-9]{1,10})\.)?[a-z0-9_]{8}"
                         + re.escape(".tmp"))
    removed: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        found = pattern.fullmatch(entry.name)
        if found is None or (found.group(1) and _alive(int(found.group(1)))):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            mine = not hasattr(os, "getuid") or st.st_uid == os.getuid()
            if not (entry.is_file(follow_symlinks=False) and st.st_mtime < older_than and mine):
                continue
            fd = os.open(entry.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            continue
        try:
            if _lock(fd, wait=False):  # held until closed: no writer can start on it now
                os.unlink(entry.path)
                removed.append(entry.name)
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed


def remove_stale_temps_beside(paths: Iterable[str | os.PathLike[str] | None],
                              started_at: float) -> list[str]:
    """`remove_stale_temps` for each output a run writes (None: not written); the paths of
    the files removed. A run killed outright left its hidden temporary file (full of staff
    data unless --redact) beside the output: the next run writing the same file removes it."""
    removed = []
    for path in paths:
        if path is None or str(path) == "-":
            continue
        folder = Path(path).parent
        if folder.is_dir():
            removed += [str(folder / name) for name in remove_stale_temps(path, started_at)]
    return removed


@contextmanager
def not_written_after(later: list[Path], written: list[str] | None = None) -> Iterator[None]:
    """An OutputError inside says exactly what was and was not written: 'wrote results.csv;
    cannot write summary.json: Permission denied; report.html not written'."""
    try:
        yield
    except OutputError as exc:
        parts = [f"wrote {', '.join(written)}"] if written else []
        parts.append(exc.message)
        if later:
            parts.append(f"{', '.join(str(p) for p in later)} not written")
        raise OutputError(exc.target, exc.reason, "; ".join(parts)) from None



def write_new_file(path: str | os.PathLike[str], text: str) -> bool:
    """Write `text` (UTF-8) to `path` atomically, only if no file has that name: a temporary
    file beside it (0600: personal data), then a hard link to the name, which fails if the
    name is taken, even by a file made a moment ago. Where hard links are not allowed (some
    network or FAT folders) the temporary file is renamed into place after a last check.
    Returns False, writing nothing, if the name is taken; OutputError if it cannot write."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(str(path), _reason(exc)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, target)
        except FileExistsError:
            return False
        except OSError:
            if os.path.lexists(target):
                return False
            os.replace(tmp, target)
        return True
    except OSError as exc:
        raise OutputError(str(path), _reason(exc)) from None
    finally:
        try:
            os.unlink(tmp)  # gone already once renamed into place
        except OSError:
            pass
