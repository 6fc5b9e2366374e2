"""No output of any command may name one of its inputs or another of its outputs (issue 20,
item 1): `match --keep current.csv --report current.csv` replaced the leader's list of pairs
with the HTML report, and `match -o pairs.csv --summary pairs.csv` lost the pairs, because two
copies of the check had drifted apart. One check (files/paths.py) now serves every command.

Each refusal is exit 2 with one line naming both options, before anything is read or written:
every file in the folder keeps its bytes and no new file appears.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from conftest import make_cli_runner

STAFF = """staff_id,name,career_stage,focus,new_to_role,school,subject,line_manager_id,assessor_id
T01,Amy Trainee,trainee,induction,yes,North,Maths,S03,S03
E01,Ben Early,ECT,induction,yes,North,English,S04,S04;S05
"""
SUPPORTERS = """staff_id,name,offers,career_stage,capacity,school,subject,trained,specialisms
S03,Gus Mentor,both,established,2,North,Maths,yes,induction
S04,Hal Head,coaching,middle_leader,1,North,English,yes,
"""
PAIRS = "staff_id,supporter_id\nT01,S03\n"


def cli(*args: object):
    from coachmentor.cli.app import app

    return make_cli_runner().invoke(app, [str(a) for a in args])


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "staff.csv").write_text(STAFF, encoding="utf-8")
    (tmp_path / "sup.csv").write_text(SUPPORTERS, encoding="utf-8")
    (tmp_path / "current.csv").write_text(PAIRS, encoding="utf-8")
    (tmp_path / "never.csv").write_text("staff_id,supporter_id\nE01,S04\n", encoding="utf-8")
    return tmp_path


def refused(result, *words: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])


@pytest.mark.parametrize("keep_or_avoid, listed", [("--keep", "current.csv"),
                                                   ("--avoid", "never.csv")])
@pytest.mark.parametrize("output", ["--report", "-o", "--summary"])
def test_match_never_writes_over_its_keep_or_avoid_list(files, keep_or_avoid, listed, output):
    before = snapshot(files)
    result = cli("match", files / "staff.csv", files / "sup.csv", keep_or_avoid, files / listed,
                 output, files / listed, "-q")
    refused(result, keep_or_avoid, "input file")
    assert snapshot(files) == before


@pytest.mark.parametrize("first, second", [("-o", "--summary"), ("-o", "--report"),
                                           ("--summary", "--report")])
def test_match_outputs_never_name_the_same_file(files, first, second):
    before = snapshot(files)
    result = cli("match", files / "staff.csv", files / "sup.csv", first, files / "pairs.csv",
                 second, files / "." / "pairs.csv", "-q")
    refused(result, first, second, "same file")
    assert snapshot(files) == before


# --- every command, every way of naming a file -------------------------------------------------

def test_assess_refuses_its_input_and_its_rules_by_any_name(files, rules_copy):
    staff = files / "staff.csv"
    link = files / "link.csv"
    link.symlink_to(staff)
    hard = files / "hard.csv"
    os.link(staff, hard)
    (files / "sub").mkdir()
    before = snapshot(files)
    for output in ("-o", "--summary", "--report"):
        for name in (staff, files / "." / "staff.csv", files / "sub" / ".." / "staff.csv",
                     link, hard, os.path.relpath(staff)):
            refused(cli("assess", staff, output, name, "-q"), output, "INPUT", "input file")
        refused(cli("assess", staff, "--rules", rules_copy, output, rules_copy, "-q"),
                output, "--rules", "input file")
    assert snapshot(files) == before


def test_the_shipped_rule_base_is_an_input_too(files, rules_copy, monkeypatch):
    import coachmentor.rulebase.loader as loader

    monkeypatch.setattr(loader, "default_rules_path", lambda: rules_copy)
    before = rules_copy.read_bytes()
    refused(cli("assess", files / "staff.csv", "-o", rules_copy, "-q"), "--rules", "input file")
    refused(cli("template", "-o", rules_copy, "--force"), "--rules", "input file")
    assert rules_copy.read_bytes() == before


def test_outputs_that_do_not_exist_yet_still_meet(files):
    real = files / "real"
    real.mkdir()
    (files / "alias").symlink_to(real, target_is_directory=True)
    dangling = files / "dangling.json"
    dangling.symlink_to(real / "out.json")
    for a, b in ((real / "out.json", files / "alias" / "out.json"),
                 (real / "out.json", dangling),
                 (files / "new.csv", files / "sub" / ".." / "new.csv")):
        if "sub" in str(b):
            (files / "sub").mkdir(exist_ok=True)
        before = snapshot(files)
        refused(cli("assess", files / "staff.csv", "--summary", a, "--report", b, "-q"),
                "--summary", "--report", "same file")
        assert snapshot(files) == before and not (real / "out.json").exists()


def test_advise_never_writes_over_its_answers(files):
    answers = files / "answers.yaml"
    answers.write_text("career_stage: ECT\nfocus: induction\n", encoding="utf-8")
    before = answers.read_bytes()
    refused(cli("advise", "--answers", answers, "-o", files / "." / "answers.yaml"),
            "-o/--output", "--answers", "input file")
    assert answers.read_bytes() == before


def test_two_inputs_from_standard_input_are_refused(files):
    refused(cli("match", "-", "-", "-q"), "STAFF", "SUPPORTERS", "standard input")


def test_names_that_differ_only_in_case_are_two_files_here_and_one_where_case_is_ignored(
        files, monkeypatch):
    from coachmentor.files import paths

    upper, lower = files / "Pairs.csv", files / "pairs.csv"
    assert not paths._ignores_case(str(files))  # this file system tells them apart
    done = cli("match", files / "staff.csv", files / "sup.csv", "-o", upper, "--summary", lower,
               "-q")
    assert done.exit_code == 0, done.stderr
    assert upper.read_text("utf-8-sig").startswith("staff_id,") and lower.read_text()[0] == "{"
    upper.unlink()
    lower.unlink()
    monkeypatch.setattr(paths, "_ignores_case", lambda folder: folder == str(files))
    refused(cli("match", files / "staff.csv", files / "sup.csv", "-o", upper, "--summary", lower,
                "-q"), "-o/--output", "--summary", "same file")
    assert not upper.exists() and not lower.exists()


def test_a_case_blind_folder_is_told_by_looking_a_name_up_with_its_case_swapped(tmp_path,
                                                                                  monkeypatch):
    from coachmentor.files import paths

    folder = tmp_path / "Results"
    folder.mkdir()
    assert not paths._ignores_case(str(folder))
    real_lstat = os.lstat

    def case_blind(name):  # as macOS answers: any spelling of the name finds it
        return real_lstat(str(name).replace("rESULTS", "Results"))

    monkeypatch.setattr(os, "lstat", case_blind)  # paths reads os.lstat
    assert paths._ignores_case(str(folder))


def run_real(*args: object, stdin=None, stdout=None):
    import shutil
    import subprocess
    import sys

    exe = shutil.which("coachmentor", path=os.path.dirname(sys.executable))
    assert exe is not None
    return subprocess.run([exe, *map(str, args)], stdin=stdin, stdout=stdout,
                          stderr=subprocess.PIPE, timeout=120)


def test_standard_input_and_output_redirected_to_an_input_are_refused(files):
    staff = files / "staff.csv"
    before = snapshot(files)
    with staff.open("rb") as fh:  # assess - -o staff.csv < staff.csv
        done = run_real("assess", "-", "-o", staff, "-q", stdin=fh)
    assert done.returncode == 2 and b"input file" in done.stderr, done.stderr
    with staff.open("ab") as fh:  # assess staff.csv >> staff.csv: it would read its own rows
        done = run_real("assess", staff, "-q", stdout=fh)
    assert done.returncode == 2 and b"standard output names the same file as INPUT" in done.stderr
    with staff.open("ab") as fh:
        done = run_real("assess", staff, "-q", "-o", "/dev/stdout", stdout=fh)
    assert done.returncode == 2 and b"input file" in done.stderr, done.stderr
    assert snapshot(files) == before
    with (files / "out.csv").open("wb") as fh:  # the control: another file is fine
        done = run_real("assess", staff, "-q", stdout=fh)
    assert done.returncode == 0, done.stderr
    assert (files / "out.csv").read_text("utf-8").startswith("staff_id,")


# --- the property: no output of any command can name an input or another output ----------------

FILE_METAVARS = {"FILE", "FOLDER", "INPUT", "STAFF", "SUPPORTERS", "SUITE", "PAIRS", "FILE...",
                 "FILE.xlsx", "FILE|URL"}


def commands() -> list[tuple[list[str], Any]]:
    """(the words that run it, its click command) for every command of the app."""
    import typer.main

    from coachmentor.cli.app import app

    def walk(cmd, words):
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in sorted(subs.items()):
                yield from walk(sub, [*words, name])
        else:
            yield words, cmd

    return list(walk(typer.main.get_command(app), []))


def roles_of(cmd):
    return getattr(cmd.callback, "file_roles", None)


def test_every_file_a_command_names_is_declared_as_an_input_or_an_output():
    """A command that gains a file option must list it, or this fails: the property below then
    covers it with the rest."""
    checked = 0
    for words, cmd in commands():
        roles = roles_of(cmd)
        named = {p.name: p for p in cmd.params if p.metavar in FILE_METAVARS}
        if not named:
            continue
        assert roles is not None, f"{' '.join(words)}: declare its files with @reads_and_writes"
        declared = {**roles.inputs, **roles.outputs}
        assert set(named) <= set(declared), (words, set(named) - set(declared))
        for name, label in declared.items():
            param = {p.name: p for p in cmd.params}[name]  # a declared name is a parameter
            spelt = [param.metavar] if param.param_type_name == "argument" else param.opts
            assert any(s in label.split("/") for s in spelt), (words, name, label)
            checked += 1
    assert checked >= 15  # assess, match, advise, template, rules check and test


WRITERS = [(words, cmd) for words, cmd in commands()
           if roles_of(cmd) is not None and roles_of(cmd).outputs]


def test_the_property_covers_every_command_that_writes_a_file():
    assert sorted(" ".join(w) for w, _ in WRITERS) == [
        "advise", "assess", "match", "record export", "record report", "record sheet",
        "record status", "template", "values"]


ALIASES = ("same", "dot", "up", "absolute-relative", "symlink", "hardlink", "folder-link")


def spell(victim: Path, how: str, folder: Path, k: int) -> str:
    """Another name for the file `victim` (which may not exist yet)."""
    if how == "dot":
        return str(folder / "." / victim.name)
    if how == "up":
        (folder / "sub").mkdir(exist_ok=True)
        return str(folder / "sub" / ".." / victim.name)
    if how == "absolute-relative":
        return os.path.relpath(victim)
    if how == "symlink":
        link = folder / f"link{k}"
        link.symlink_to(victim)
        return str(link)
    if how == "hardlink" and victim.exists():
        link = folder / f"hard{k}"
        os.link(victim, link)
        return str(link)
    if how == "folder-link":
        alias = folder / "alias"
        if not alias.exists():
            alias.symlink_to(folder, target_is_directory=True)
        return str(alias / victim.name)
    return str(victim)


def listing(folder: Path) -> dict[str, bytes | str]:
    out: dict[str, bytes | str] = {}
    for p in sorted(folder.rglob("*")):
        rel = str(p.relative_to(folder))
        if p.is_symlink():
            out[rel] = "-> " + os.readlink(p)
        elif p.is_file():
            out[rel] = p.read_bytes()
    return out


@pytest.mark.slow(cost=5)
def test_no_output_path_of_any_command_can_name_an_input_or_another_output(shipped_rules_path):
    import shutil
    import tempfile

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(writer=st.sampled_from(WRITERS), data=st.data())
    def prop(writer, data):
        words, cmd = writer
        roles = roles_of(cmd)
        params = {p.name: p for p in cmd.params}
        out_name = data.draw(st.sampled_from(sorted(roles.outputs)), label="output")
        # an input the command reads whole and then replaces on purpose is no victim
        victims = sorted((set(roles.inputs) - roles.updates) | set(roles.outputs) - {out_name})
        victim = data.draw(st.sampled_from(victims), label="named again")
        how = data.draw(st.sampled_from(ALIASES), label="spelt as")
        victim_exists = victim in roles.inputs or data.draw(st.booleans(), label="exists")
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            values: dict[str, str] = {}
            for k, name in enumerate(sorted({**roles.inputs, **roles.outputs})):
                path = folder / f"f{k}-{name}.csv"
                if name in roles.inputs or (name == victim and victim_exists):
                    if name == "rules":
                        shutil.copyfile(shipped_rules_path, path)
                    else:
                        path.write_text(STAFF, encoding="utf-8")
                values[name] = str(path)
            values[out_name] = spell(Path(values[victim]), how, folder, 0)
            argv = list(words)
            for name, value in values.items():
                param = params[name]
                argv += [value] if param.param_type_name == "argument" else [param.opts[0], value]
            before = listing(folder)
            result = cli(*argv)
            assert result.exit_code == 2, (argv, result.stdout, result.stderr)
            line = result.stderr.strip()
            assert "\n" not in line and ("input file" in line or "same file" in line), line
            for flag in (roles.outputs[out_name],
                         roles.inputs.get(victim) or roles.outputs.get(victim)):
                assert flag in line, (flag, line)
            assert listing(folder) == before

    prop()


def test_distinct_names_pass_the_check(tmp_path):
    """The control for the property: the check refuses only what names one file twice."""
    from coachmentor.files.paths import check_files

    (tmp_path / "in.csv").write_text("x")
    (tmp_path / "sub").mkdir()
    check_files([("INPUT", tmp_path / "in.csv"), ("--keep", tmp_path / "sub" / "in.csv")],
                [("-o/--output", tmp_path / "out.csv"), ("--summary", tmp_path / "out.json"),
                 ("--report", "-"), ("--other", "/dev/null"), ("--again", "/dev/null")])


def test_the_library_calls_check_their_own_files(files, shipped_rules):
    """`assess_file` and `match_files` called from Python are held to the same check."""
    from coachmentor.batch import assess_file
    from coachmentor.errors import InputFileError
    from coachmentor.match.run import match_files

    before = snapshot(files)
    staff = files / "staff.csv"
    with pytest.raises(InputFileError, match="input file"):
        assess_file(shipped_rules, staff, output=files / "." / "staff.csv")
    with pytest.raises(InputFileError, match="same file"):
        assess_file(shipped_rules, staff, output=files / "r.csv", also_writing=(files / "r.csv",))
    with pytest.raises(InputFileError, match="--keep"):
        match_files(shipped_rules, str(staff), str(files / "sup.csv"),
                    keep=files / "current.csv", summary_path=files / "current.csv")
    with pytest.raises(InputFileError, match="same file"):
        match_files(shipped_rules, str(staff), str(files / "sup.csv"),
                    output=files / "p.csv", summary_path=files / "p.csv")
    assert snapshot(files) == before


def test_values_may_grow_its_own_file_but_never_replace_the_staff_list(tmp_path):
    """`values --values values.csv -o values.csv` adds a new term's values to last term's file
    (read whole before it is replaced): allowed. -o naming the staff list is refused."""
    staff = tmp_path / "staff.csv"
    staff.write_text(STAFF, encoding="utf-8")
    first = cli("values", staff, "-o", tmp_path / "values.csv")
    assert first.exit_code == 0, first.stderr
    again = cli("values", staff, "--values", tmp_path / "values.csv", "-o", tmp_path / "values.csv")
    assert again.exit_code == 0, again.stderr
    refused = cli("values", staff, "-o", staff)
    assert refused.exit_code == 2 and "same file as STAFF" in refused.stderr
    assert staff.read_text(encoding="utf-8") == STAFF
