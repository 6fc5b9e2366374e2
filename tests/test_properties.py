"""Property-based tests: whatever comes in, only CoachmentorError subclasses come out.

- arbitrary answers (any keys, any values) through `engine.assess` / `normalise_answers`;
- arbitrary YAML-ish text and arbitrary bytes as a rule file and as an answers file;
- random mutations of the shipped rule base: it loads, or RuleFileError 'FILE:LINE: ...';
- every valid answer set gives a well-formed, deterministic assessment, however it is spelt;
- arbitrary lines typed at the questionnaire.
"""

from __future__ import annotations

import io
import json
import math
import re
from pathlib import Path

import pytest
from conftest import run_questionnaire
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from coachmentor.engine import assess, normalise_answers
from coachmentor.errors import AnswersError, CoachmentorError, RuleFileError
from coachmentor.files.answers import SuppliedAnswers, apply_sets, read_answers_file
from coachmentor.rulebase.loader import load_rules
from coachmentor.rulebase.model import ALTERNATIVES, RECOMMENDATIONS

SHIPPED = Path(__file__).resolve().parents[1] / "rules" / "coachmentor.yaml"
RULES = load_rules()  # the shipped rule base, once
FAST = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("props")


# --- strategies ---------------------------------------------------------------------------------

FIELD_IDS = [*RULES.info_fields, *RULES.question_order]
KEY_SPELLINGS = sorted(RULES.header_lookup)  # folded ids and aliases
VALUE_SPELLINGS = sorted({w for table in RULES.value_lookup.values() for w in table})
CHOICE_VALUES = sorted({v for vs in RULES.choice_values.values() for v in vs})

keys = st.one_of(
    st.sampled_from(FIELD_IDS),
    st.sampled_from(KEY_SPELLINGS),
    st.text(max_size=20),
)
scalars = st.one_of(
    st.sampled_from(CHOICE_VALUES),
    st.sampled_from(VALUE_SPELLINGS),
    st.text(max_size=30),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.binary(max_size=10),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=6)


def spelt(word: str):
    """`word` with random case and separators: the same after fold()."""
    return st.tuples(
        st.lists(st.booleans(), min_size=len(word), max_size=len(word)),
        st.sampled_from(["", " ", "_", "-", "  "]),
        st.sampled_from(["", " ", "\t"]),
    ).map(
        lambda t: t[2]
        + "".join((c.upper() if up and c.isascii() else c) + (t[1] if up else "") for c, up in zip(word, t[0]))
        + t[2]
    )


@st.composite
def valid_answers(draw) -> tuple[dict[str, str], dict[str, str]]:
    """(canonical answers, the same answers written with aliases and synonyms)."""
    canonical: dict[str, str] = {}
    written: dict[str, str] = {}
    for fid in RULES.question_order:
        if fid not in RULES.required and draw(st.booleans()):
            continue
        value = draw(st.sampled_from(RULES.choice_values[fid]))
        canonical[fid] = value
        key = draw(st.sampled_from([k for k, f in RULES.header_lookup.items() if f == fid]))
        # (a synonym that folds to '' such as '-' is left out: an empty value means unanswered)
        word = draw(st.sampled_from([w for w, v in RULES.value_lookup[fid].items() if v == value and w]))
        written[draw(spelt(key))] = draw(spelt(word))
    return canonical, written


# --- 1. arbitrary answers -----------------------------------------------------------------------


@FAST
@given(st.dictionaries(keys, values, max_size=8))
def test_arbitrary_answers_only_raise_domain_errors(raw):
    for call in (normalise_answers, assess):
        try:
            call(RULES, raw)
        except CoachmentorError as exc:
            assert isinstance(exc, AnswersError)
            assert exc.exit_code == 2 and str(exc)


@FAST
@given(st.dictionaries(st.sampled_from(RULES.question_order), st.text(max_size=40), max_size=9))
def test_real_ids_with_arbitrary_text(raw):
    try:
        canonical = normalise_answers(RULES, raw)
    except AnswersError as exc:
        assert "is not an accepted value" in str(exc) and "expected one of" in str(exc)
        return
    for fid, value in canonical.items():
        assert value in RULES.choice_values[fid]
        assert raw[fid].strip()  # an empty value is never turned into an answer


@FAST
@given(st.lists(st.text(max_size=30), max_size=5))
def test_arbitrary_set_arguments(items):
    into = SuppliedAnswers()
    try:
        apply_sets(items, RULES, into)
    except AnswersError as exc:
        assert str(exc).startswith("--set")
    for fid, value in into.answers.items():
        assert value in RULES.choice_values[fid]


# --- 2. valid answers: a well-formed, deterministic assessment --------------------------------


@FAST
@given(valid_answers())
@pytest.mark.slow(cost=3)
def test_valid_answers_give_a_well_formed_assessment(pair):
    canonical, written = pair
    result = assess(RULES, canonical)
    assert result.recommendation in RECOMMENDATIONS
    assert (result.alternative is not None) == (result.recommendation == "other")
    if result.alternative is not None:
        assert result.alternative in ALTERNATIVES
    assert 0.0 <= result.confidence <= 1.0
    assert len(result.reasons) <= RULES.model.decision.max_reasons
    assert all(r.text for r in result.reasons)
    assert set(result.scores) == {"coaching", "mentoring"}
    assert all(math.isfinite(s) for s in result.scores.values())
    if result.recommendation not in ("coaching", "both"):
        assert result.coaching_type is None
    if result.recommendation not in ("mentoring", "both"):
        assert result.mentoring_type is None
    # Every answer counts, or is reported as ignored (a follow-up whose question does not apply).
    assert result.answers == {f: v for f, v in canonical.items() if f not in result.ignored}
    assert set(result.ignored) <= set(canonical)
    # Deterministic, strict JSON, and spelling-independent (aliases, synonyms, case, spaces).
    first = result.to_dict()
    assert assess(RULES, dict(canonical)).to_dict() == first
    json.dumps(first, allow_nan=False)
    assert assess(RULES, written).to_dict() == first


# --- 3. arbitrary text and bytes as files ---------------------------------------------------------

YAML_TOKENS = [
    "a", "name", "questions", "version", ":", ": ", " ", "  ", "\n", "\n  ", "- ", "-", "[", "]", "{", "}",
    ",", "&x ", "*x", "&y ", "*y", "<<: ", "!!python/object:os.system ", "!!python/name:os.system ",
    "!!int ", "!!float ", "!!bool ", "!!binary ", "!!set ", "!custom ", "!!str ", "? ", "'", '"', "#",
    "|", ">", "\t", "yes", "No", "on", "1", "0x1F", "0o7", "007", "1:30", "1e3", ".inf", ".nan", "~", "null",
    "2026-01-01", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "---\n", "...\n", "\\", "\\x00", "é", "\ufeff",
    "\u2028", "\x85", "\x00", "\x07", "\x1b", "\r", "\r\n", "9" * 50, "1" + ":1" * 30, "[" * 60,
]
yamlish = st.lists(st.sampled_from(YAML_TOKENS), max_size=40).map("".join)


def _file_error_ok(exc: CoachmentorError, path: Path) -> None:
    message = str(exc)
    assert message.startswith(str(path)), message
    assert exc.exit_code == 2


@FAST
@given(st.one_of(yamlish, st.text(max_size=200)))
def test_arbitrary_text_as_a_rule_file(workdir, text):
    path = workdir / "rules.yaml"
    try:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
    except UnicodeEncodeError:  # pragma: no cover - lone surrogates
        return
    try:
        load_rules(path)
    except RuleFileError as exc:
        _file_error_ok(exc, path)


@FAST
@given(st.binary(max_size=300))
def test_arbitrary_bytes_as_a_rule_file(workdir, raw):
    path = workdir / "rules.bin"
    path.write_bytes(raw)
    try:
        load_rules(path)
    except RuleFileError as exc:
        _file_error_ok(exc, path)


@FAST
@given(st.one_of(yamlish, st.text(max_size=200), st.binary(max_size=200)))
def test_arbitrary_answers_files(workdir, content):
    path = workdir / "answers.yaml"
    if isinstance(content, str):
        try:
            content = content.encode("utf-8")
        except UnicodeEncodeError:  # pragma: no cover - lone surrogates
            return
    path.write_bytes(content)
    into = SuppliedAnswers()
    try:
        read_answers_file(path, RULES, into)
    except AnswersError as exc:
        _file_error_ok(exc, path)
    for fid, value in into.answers.items():
        assert value in RULES.choice_values[fid]
    assert all(isinstance(v, str) for v in into.info.values())


@FAST
@given(st.dictionaries(keys, values, max_size=6))
def test_answers_files_written_from_arbitrary_dicts(workdir, data):
    # JSON is YAML: whatever a script writes with json.dumps reads back or is one AnswersError.
    path = workdir / "answers.json"
    path.write_text(json.dumps({str(k): v for k, v in data.items()}, default=repr), encoding="utf-8")
    try:
        read_answers_file(path, RULES, SuppliedAnswers())
    except AnswersError as exc:
        assert re.match(rf"{re.escape(str(path))}:\d+: ", str(exc)), str(exc)


# --- 4. mutations of the shipped rule base ---------------------------------------------------------

SHIPPED_LINES = SHIPPED.read_text(encoding="utf-8").split("\n")
VALUE_LINES = [i for i, ln in enumerate(SHIPPED_LINES) if re.match(r"^\s*(- )?[a-z_]+: \S", ln)]
WORD_LINES = [i for i, ln in enumerate(SHIPPED_LINES) if re.search(r"\w", ln)]
NEW_VALUES = [
    "[1, 2]", "{a: 1}", "123", "-1.5", "''", "~", "true", "yes", "[]", "{}", "!!int x", "&a x", "*a",
    "!!python/object:os.system {}", ".nan", "1e400", "[", "'unclosed", "x: y", "- z", "<<: {a: 1}",
]
NEW_TOKENS = ["", "&a", "*a", "<<", "!!python/object:os.system", "[", "{", ":", "- ", "'", '"', "#", "\t",
              "é", "\x00", "\x85", "\u2028", "0x10", "yes", "~", "?", "|", "coaching", "mentoring", "other"]


@st.composite
def mutation(draw):
    kind = draw(st.sampled_from(["delete", "duplicate", "retype", "token", "indent", "swap"]))
    if kind == "retype":
        return kind, draw(st.sampled_from(VALUE_LINES)), draw(st.sampled_from(NEW_VALUES))
    if kind == "token":
        return kind, draw(st.sampled_from(WORD_LINES)), draw(st.sampled_from(NEW_TOKENS)), draw(st.integers(0, 50))
    return kind, draw(st.integers(0, len(SHIPPED_LINES) - 2)), draw(st.sampled_from([-2, -1, 1, 2]))


def apply_mutation(lines: list[str], m) -> list[str]:
    lines = list(lines)
    kind, i = m[0], m[1] % (len(lines) - 1)  # earlier deletions may have shortened the file
    if kind == "delete":
        del lines[i]
    elif kind == "duplicate":
        lines.insert(i, lines[i])
    elif kind == "retype":
        lines[i] = re.sub(r"^(\s*(- )?[a-z_]+: ).*$", lambda mo: mo.group(1) + m[2], lines[i])
    elif kind == "token":
        words = list(re.finditer(r"\w+", lines[i]))  # (an earlier mutation may have left none)
        if words:
            w = words[m[3] % len(words)]
            lines[i] = lines[i][: w.start()] + m[2] + lines[i][w.end() :]
    elif kind == "indent":
        lines[i] = " " * max(0, m[2]) + lines[i][max(0, -m[2]) :]
    elif kind == "swap":
        lines[i], lines[i + 1] = lines[i + 1], lines[i]
    return lines


@FAST
@given(st.lists(mutation(), min_size=1, max_size=3))
@pytest.mark.slow(cost=5)
def test_mutated_rule_base_loads_or_names_file_and_line(workdir, mutations):
    lines = SHIPPED_LINES
    for m in mutations:
        lines = apply_mutation(lines, m)
    path = workdir / "mutated.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    try:
        rules = load_rules(path)
    except RuleFileError as exc:
        message = str(exc)
        assert re.match(rf"{re.escape(str(path))}:\d+: \S", message), message
        event("refused: " + message[len(str(path)) :].split(":", 2)[2].strip()[:25])
        return
    event("loaded")
    # It loaded: the engine must cope with whatever it now says.
    try:
        result = assess(rules, {"career_stage": "early_career", "focus": "induction"})
    except CoachmentorError:
        return
    assert result.recommendation in RECOMMENDATIONS
    assert (result.alternative is not None) == (result.recommendation == "other")


def test_mutation_strategy_does_produce_both_outcomes(workdir):
    # A guard that the property above is not vacuous: some mutations load, some are refused.
    path = workdir / "m.yaml"
    path.write_text("\n".join(apply_mutation(SHIPPED_LINES, ("delete", 0, 1))), encoding="utf-8")
    load_rules(path)  # deleting the first comment line changes nothing
    i = next(i for i, ln in enumerate(SHIPPED_LINES) if ln.startswith("version:"))
    path.write_text("\n".join(apply_mutation(SHIPPED_LINES, ("retype", i, "[1, 2]"))), encoding="utf-8")
    with pytest.raises(RuleFileError, match=rf":{i + 1}: version: "):
        load_rules(path)


# --- 5. the questionnaire and the first-question preview --------------------------------------------


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=20), st.sampled_from(["", "<", "?", "1", "2", "13", "0", "ECT", "²", "٣", "9" * 5000, " 1 "])), max_size=40))
def test_questionnaire_only_ends_with_an_answer_or_end_of_input(lines):
    from coachmentor.cli.questionnaire import EndOfInput

    try:
        answers, _ = run_questionnaire(RULES, lines)
    except EndOfInput as exc:
        assert exc.exit_code == 130
        return
    assert all(fid in answers for fid in RULES.required)
    assert all(value in RULES.choice_values[fid] for fid, value in answers.items())


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(["questions", "id", "prompt", "choices", "value", "label", "required", "x"]), inner, max_size=4),
    max_leaves=12,
)


@FAST
@given(json_like)
def test_first_question_preview_never_raises(data):
    from coachmentor.cli.preview import preview_first_question

    shown = preview_first_question(data, io.StringIO(), width=100)
    assert shown is None or isinstance(shown, str)
