"""The one check of what a command reads against what it writes, made before anything is read or
written: no output may name one of the command's inputs or another of its outputs, and an
output must be somewhere a file can be written.

Every command lists its files as (how the user names it, path) pairs — `("STAFF", "staff.csv")`,
`("--keep", Path("current.csv"))`, `("-o/--output", Path("pairs.csv"))` — and calls
`check_files(inputs, outputs)` (the CLI does it for every command through
`cli.common.reads_and_writes`; the library calls `assess_file` and `match_files` do it again for
their own callers). A command that gains an input or an output only lists it.

Two names are the same file when they reach the same file, however they spell it:
- an existing file is known by its device and inode (`st_dev`, `st_ino`), after every symbolic
  link: a hard link, a symlink, `./x`, `sub/../x` and an absolute path all meet;
- a name that does not exist yet is known by its real folder (symlinks resolved) and its name
  in it; on a folder whose file system ignores case (macOS, Windows) the name's case is ignored
  too (looked up when two new names differ only in case, so it costs nothing otherwise);
- `-` is standard input or output, and a name for a descriptor this process holds
  (/dev/stdin, /dev/stdout, /dev/fd/N) is that descriptor: compared only when it is a regular
  file (`assess - -o staff.csv < staff.csv` would otherwise replace its own input);
- a device, a FIFO or a socket is written into, never replaced (files/atomic.py), so it
  destroys nothing and is compared with nothing.

Every refusal is an InputFileError (exit 2), one line naming both options.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterable, Sequence
from typing import Any, Union

from coachmentor.errors import InputFileError
from coachmentor.files.atomic import _fd_alias

PathLike = Union[str, "os.PathLike[str]"]
Named = tuple[str, PathLike | None]  # (how the user names it, the path or None)
STDIN = STDOUT = "-"
# ('file', device, inode) for a file there, ('new', real folder, name) for a name not yet used
_Key = tuple[str, Any, Any]

#: how a refusal names standard output, when a command writes it and it is a regular file
STANDARD_OUTPUT = "standard output"


def check_files(inputs: Iterable[Named], outputs: Iterable[Named], *,
                stdout_is_output: bool = False) -> None:
    """Refuse (InputFileError) an output that is a folder, that is in a folder that does not
    exist, that names an input, or that names another output; and more than one input read
    from standard input. `stdout_is_output`: the command writes standard output too (no -o),
    which is then compared as an output when it is a regular file (`> staff.csv`)."""
    given_in = [(flag, os.fspath(p)) for flag, p in _flatten(inputs)]
    given_out = [(flag, os.fspath(p)) for flag, p in _flatten(outputs)]
    from_stdin = [flag for flag, p in given_in if p == STDIN]
    if len(from_stdin) > 1:
        raise InputFileError(f"only one input can be standard input ('-'): "
                             f"{' and '.join(from_stdin)} both say '-'")
    for flag, p in given_out:
        if p != STDOUT:
            _check_writable_place(flag, p)
    ins = [(flag, p, key) for flag, p in given_in
           if (key := _key(p, _std_fd(sys.stdin), new=False)) is not None]
    outs = [(flag, p, key) for flag, p in given_out
            if (key := _key(p, _std_fd(sys.stdout))) is not None]
    if stdout_is_output and not any(p == STDOUT for _, p in given_out):
        key = _key(STDOUT, _std_fd(sys.stdout))
        if key is not None:
            outs.append((STANDARD_OUTPUT, STANDARD_OUTPUT, key))
    for k, (flag, p, key) in enumerate(outs):
        for in_flag, in_path, in_key in ins:
            if _same(key, in_key):
                where = f"{flag} {p}" if flag != STANDARD_OUTPUT else STANDARD_OUTPUT
                raise InputFileError(
                    f"{where} names the same file as {in_flag} ({in_path}); refusing to "
                    "overwrite an input file: give the output another name")
        for other_flag, other_path, other_key in outs[k + 1:]:
            if _same(key, other_key):
                raise InputFileError(
                    f"{flag} and {other_flag} name the same file ({other_path}); give each "
                    "its own name, or one of them would be lost")


def _flatten(named: Iterable[Named]) -> Iterable[tuple[str, PathLike]]:
    """(flag, path) for each path given: None left out, a list (SUITE...) opened out."""
    for flag, value in named:
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            yield from ((flag, v) for v in value if v is not None)
        else:
            yield flag, value


def _check_writable_place(flag: str, path: str) -> None:
    if os.path.isdir(path):
        raise InputFileError(f"{flag} {path} is a folder; give a file name")
    parent = os.path.dirname(path)
    if parent and not os.path.exists(parent) and _fd_alias(path) is None:
        raise InputFileError(f"{flag} {path}: the folder {parent} does not exist")


def _std_fd(stream: object) -> int | None:
    """The descriptor under sys.stdin or sys.stdout (None for a test runner's capture)."""
    try:
        fd: int = stream.fileno()  # type: ignore[attr-defined]
        return fd
    except (AttributeError, ValueError, OSError):
        return None


def _key(path: str, std: int | None, *, new: bool = True) -> _Key | None:
    """What identifies the file `path` reaches (`std`: the descriptor `-` means), or None when
    writing it destroys nothing or reading it is not from a file: a device, a FIFO, a socket,
    a terminal; for an input (`new=False`), nothing there yet."""
    alias = std if path == "-" else _fd_alias(path)
    if path == "-" and alias is None:
        return None
    try:
        st = os.fstat(alias) if alias is not None else os.stat(path)
    except (OSError, ValueError):
        st = None
    if st is not None:
        return ("file", st.st_dev, st.st_ino) if stat.S_ISREG(st.st_mode) else None
    if alias is not None or not new:
        return None
    real = os.path.realpath(path)  # a new name: its real folder and its name there
    folder, name = os.path.split(real)
    return ("new", folder, name)


def _same(a: _Key, b: _Key) -> bool:
    if a == b:
        return True
    if a[0] == b[0] == "new" and a[1] == b[1] and a[2].casefold() == b[2].casefold():
        return _ignores_case(a[1])
    return False


def _ignores_case(folder: str) -> bool:
    """Whether the file system of `folder` ignores the case of names: a name found there (the
    folder's own, else one of its entries) is looked up with its case swapped."""
    head, own = os.path.split(folder)
    candidates: Sequence[tuple[str, str]] = []
    if own.swapcase() != own:
        candidates = [(head, own)]
    else:
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.name.swapcase() != entry.name:
                        candidates = [(folder, entry.name)]
                        break
        except OSError:
            return False
    for where, name in candidates:
        try:
            return os.path.samestat(os.lstat(os.path.join(where, name)),
                                    os.lstat(os.path.join(where, name.swapcase())))
        except OSError:
            return False
    return False
