"""The rule base as pydantic models: what a rule file may say, validated strictly.

Unknown keys are forbidden everywhere, so a typo (`synonym:` for `synonyms:`) is an error
with a line number rather than a silently ignored setting. `coachmentor rules schema`
prints the JSON Schema generated from these models.

The loader validates a rule file against these models once; `ruleset.RuleSet` then compiles
the model into the indexed form the engine reads (conditions as bit masks, value lookups),
and the engine keeps its own memos (`engine.EngineMemo`). Other modules import only the
constants defined here (the recommendations, the support types).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from coachmentor.rulebase.normalise import fold, words

Id = str
MAX_POINTS = 100.0  # a rule's points and the decision's thresholds stay far from overflow


def _some_values(condition: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
    for fid, want in condition.items():
        if isinstance(want, list) and not want:
            raise ValueError(f"'{fid}' lists no values, so the condition could never hold")
    return condition


def _not_empty(condition: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
    if not condition:
        raise ValueError("an empty condition holds for everyone; name the answers it needs")
    return condition


# id -> a value or a list of values; a list must name at least one
Condition = Annotated[dict[Id, str | list[str]], AfterValidator(_some_values)]
# the same, and it must name at least one answer (rules, gates, constraints, checks)
Required = Annotated[Condition, AfterValidator(_not_empty)]
Points = Annotated[float, Field(ge=-MAX_POINTS, le=MAX_POINTS)]
_PLACEHOLDER = re.compile(r"\{label\}")


def _label_only(text: str | None) -> str | None:
    """A question's 'what if' phrase may hold `{label}` and no other brace: it is filled by
    plain replacement, never by str.format (rule-base text is not a format string)."""
    if text is not None and ("{" in _PLACEHOLDER.sub("", text) or "}" in _PLACEHOLDER.sub("", text)):
        raise ValueError("may contain '{label}' and no other '{' or '}'")
    return text
RECOMMENDATIONS = ("coaching", "mentoring", "both", "other")  # the contract's four, in its order
ALTERNATIVES = (
    "training",
    "referral",
    "feedback_first",
    "organisational",
    "line_management",
    "conversation",
)
COACHING_TYPES = ("behavioural", "performance", "leadership", "executive", "career", "instructional")
MENTORING_TYPES = ("induction", "transition", "career", "succession", "inclusion", "reverse", "challenge")
# What kind of evidence a source is: a rule base may cap, by kind, the points a rule about
# the need may take from it (`evidence:`), so that a provider's advocacy weighs less than a
# definition.
EVIDENCE_KINDS = ("research", "guidance", "practitioner", "advocacy")


class Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, hide_input_in_errors=True, defer_build=True, allow_inf_nan=False
    )


class Citation(Strict):
    """Where a rule comes from: a document id from `sources`, and the passage it encodes."""

    doc: Id = Field(description="id of a document in the rule base's `sources`")
    quote: str = Field(min_length=3, description="a short quote of the passage encoded")


class SourceDocument(Strict):
    title: str
    author: str | None = None
    date: str | None = None
    publisher: str | None = None
    file: str | None = Field(None, description="file name of the stored copy, if any")
    url: str | None = None
    kind: Literal[EVIDENCE_KINDS] | None = Field(  # type: ignore[valid-type]
        None, description="the kind of evidence it is (see `evidence`)")


class EvidenceKind(Strict):
    """How much a kind of source may weigh."""

    need_points: float = Field(
        gt=0, le=MAX_POINTS,
        description=("the most points (coaching or mentoring) a rule with tier: need may give on "
                     "this kind of source alone"))
    about: str = Field("", description="what this kind of source is, in words")


class Choice(Strict):
    value: Id = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    help: str | None = None
    synonyms: list[str] = Field(default_factory=list)
    prefixes: list[str] = Field(
        default_factory=list,
        description=(
            "a value that begins with one of these whole words means this choice, e.g. 'Head of' "
            "for 'Head of Maths' (values and synonyms are matched first; the longest prefix wins)"
        ),
    )
    suffixes: list[str] = Field(
        default_factory=list,
        description=(
            "a value that ends with one of these whole words means this choice, e.g. 'Lead' for "
            "'Maths Lead' (values, synonyms and prefixes are matched first)"
        ),
    )
    neutral: bool = Field(False, description="deliberately scores nothing (silences the lint)")
    phrase: str | None = Field(None, description="'what if' wording, e.g. 'they were new to the role'")
    leans: Literal["coaching", "mentoring"] | None = Field(
        None, description="the option this answer leans to (a preference), for the values note"
    )


class Band(Strict):
    value: Id
    up_to_months: float | None = Field(
        None, gt=0, description="the longest length in this band; none: every longer one")


class Durations(Strict):
    """A length typed as a number and a unit ('9 months', '10 weeks', '2 terms', '1.5 years'),
    read by bands of months: the first band whose `up_to_months` it does not exceed."""

    units: dict[str, float] = Field(
        description="each unit's name (singular, as a word) and its length in months")
    bands: list[Band] = Field(min_length=1)

    @model_validator(mode="after")
    def _bands_in_order(self) -> Durations:
        tops = [b.up_to_months for b in self.bands]
        if tops[-1] is not None:
            raise ValueError("the last band takes every longer length: leave out its up_to_months")
        if None in tops[:-1] or tops[:-1] != sorted(tops[:-1]):  # type: ignore[type-var]
            raise ValueError("bands go from the shortest up, each with up_to_months but the last")
        for unit, months in self.units.items():
            if months <= 0 or not unit.isalpha():
                raise ValueError(f"unit '{unit}': a word, with a length in months above 0")
        return self


class Ambiguous(Strict):
    """Words that name a choice without settling it ('MPS' for an established teacher: the
    main pay scale includes early career teachers). They are read as `read_as`, never
    silently: every row holding one gets `note` as a warning, and `coachmentor values` lists
    them for the leader to confirm or correct."""

    words: list[str] = Field(min_length=1)
    read_as: Id = Field(description="the choice they are read as, with the warning")
    note: str = Field(min_length=3, description=(
        "the warning: why the word does not settle it and what to write instead; it follows "
        "\"'MPS' in Career Stage read as established: \""))


class NotCovered(Strict):
    """Words that name people the sources do not cover (support staff, for the career
    stage): never read as any choice; `note` says so, and what to do instead."""

    words: list[str] = Field(min_length=1)
    note: str = Field(min_length=3, description=(
        "what to tell the leader; it follows \"'TA' in Career Stage: \""))


class Question(Strict):
    id: Id = Field(pattern=r"^[a-z][a-z0-9_]*$")
    prompt: str
    help: str = ""
    required: bool = False
    choices: list[Choice] = Field(min_length=2)
    aliases: list[str] = Field(default_factory=list, description="other column headers")
    when: Condition | None = Field(None, description="ask only when these answers hold")
    skip_when: Condition | None = Field(
        None,
        description=(
            "not asked when these answers hold, because an earlier answer already says it (a "
            "new-role need says they are taking on a new role); unlike `when`, an answer given "
            "anyway (a file's column, --set) still counts"
        ),
    )
    actionable: bool = Field(
        False,
        description=(
            "a leader can act on this answer (how long the support lasts; asking the person): "
            "its 'what would change it' lines come before the others"
        ),
    )
    phrase: Annotated[str | None, AfterValidator(_label_only)] = Field(
        None, description="'what if' wording with {label}, e.g. 'the main need were {label}'"
    )
    names_need: bool = Field(
        False,
        description="the answer names the development need: the reason of a rule reading it is shown with every result",
    )
    durations: Durations | None = Field(
        None, description="read a length typed as a number and a unit ('9 months') by bands")
    related_headers: list[str] = Field(
        default_factory=list,
        description="headers of columns that are near this field but not it (a job title)")
    related_note: str | None = Field(
        None, description="what to tell someone whose file has a related header, not this one")
    ambiguous: list[Ambiguous] = Field(
        default_factory=list, description="words read as a choice only with a warning")
    not_covered: list[NotCovered] = Field(
        default_factory=list, description="words for people the sources do not cover")
    source: Citation | None = None

    @field_validator("choices")
    @classmethod
    def _unique_values(cls, choices: list[Choice]) -> list[Choice]:
        seen: set[str] = set()
        prefixes: dict[str, str] = {}
        for c in choices:
            if c.value in seen:
                raise ValueError(f"choice '{c.value}' is listed twice")
            seen.add(c.value)
            for p in c.prefixes:
                key = words(p)
                if len(key.replace(" ", "")) < 2:
                    raise ValueError(f"choice '{c.value}': a prefix needs at least two letters")
                if prefixes.get(key, c.value) != c.value:
                    raise ValueError(
                        f"prefix '{p}' is given for both '{prefixes[key]}' and '{c.value}'"
                    )
                prefixes[key] = c.value
            for s in c.suffixes:
                if len(words(s).replace(" ", "")) < 2:
                    raise ValueError(f"choice '{c.value}': a suffix needs at least two letters")
        typed: dict[str, str] = {}
        for c in choices:  # a typed word must mean one choice, never two
            for word in [c.value, *c.synonyms]:
                other = typed.setdefault(fold(word), c.value)
                if other != c.value:
                    raise ValueError(f"'{word}' would match both '{other}' and '{c.value}'")
        return choices

    @model_validator(mode="after")
    def _required_is_always_asked(self) -> Question:
        if self.required and (self.when or self.skip_when):
            raise ValueError("a required question is always asked: it cannot have a `when` or a `skip_when`")
        values = {c.value for c in self.choices}
        for band in self.durations.bands if self.durations else []:
            if band.value not in values:
                raise ValueError(f"durations: band '{band.value}' is not one of its choices")
        if self.related_headers and not self.related_note:
            raise ValueError("related_headers need a related_note saying what to do")
        # A typed word reads one way: a choice, an ambiguous reading or a group not covered.
        owner = {fold(w): f"choice '{c.value}'" for c in self.choices for w in [c.value, *c.synonyms]}
        for k, group in enumerate(self.ambiguous):
            if group.read_as not in values:
                raise ValueError(f"ambiguous[{k}].read_as: '{group.read_as}' is not one of its choices")
        groups = [(f"ambiguous[{k}]", g.words) for k, g in enumerate(self.ambiguous)]
        groups += [(f"not_covered[{k}]", g.words) for k, g in enumerate(self.not_covered)]
        for where, group_words in groups:
            for word in group_words:
                other = owner.setdefault(fold(word), where)
                if other != where:
                    raise ValueError(f"{where}: '{word}' is also read by {other}")
        return self


class InfoField(Strict):
    """A column that is not a question: identifiers and grouping (staff_id, name, department)."""

    id: Id = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    aliases: list[str] = Field(default_factory=list)
    personal: bool = Field(False, description="personal data: redacted by --redact")


class Rule(Strict):
    id: Id = Field(pattern=r"^[a-z][a-z0-9_]*$")
    when: Required = Field(description="all of these answers must hold")
    unless: Condition | None = Field(None, description="the rule does not apply if these hold")
    tier: Literal["need", "person"] = Field(
        "person",
        description=(
            "need: the kind of need sets the primary mode (never capped); person: refines it "
            "within `decision.person_cap`"
        ),
    )
    points: dict[Literal["coaching", "mentoring"], Points]
    reason: str
    source: Citation


class Gate(Strict):
    """When it holds, neither coaching nor mentoring is the right first step."""

    id: Id = Field(pattern=r"^[a-z][a-z0-9_]*$")
    when: Required
    alternative: Literal[ALTERNATIVES]  # type: ignore[valid-type]
    reason: str
    where_to_turn: str
    source: Citation


class Override(Strict):
    """After scoring: if the result is one of `if_recommendation` and `when` holds, change it."""

    id: Id = Field(pattern=r"^[a-z][a-z0-9_]*$")
    when: Required
    unless: Condition | None = Field(None, description="the override does not apply if these hold")
    if_recommendation: list[Literal["coaching", "mentoring", "both", "other"]] = Field(
        description="results it changes; 'other' means only the scores' 'talk it through' (never a gate's)"
    )
    recommendation: Literal["coaching", "mentoring", "both", "other"]
    alternative: Literal[ALTERNATIVES] | None = None  # type: ignore[valid-type]
    reason: str
    source: Citation

    @model_validator(mode="after")
    def _alternative_for_other(self) -> Override:
        if (self.recommendation == "other") != (self.alternative is not None):
            raise ValueError("`alternative` is required with recommendation 'other', and only then")
        return self


class Check(Strict):
    """Answers that contradict each other or the sources: flagged, never silently used."""

    id: Id = Field(pattern=r"^[a-z][a-z0-9_]*$")
    when: Required
    unless: Condition | None = None
    message: str = Field(description="what looks wrong and what to check, for the leader")
    source: Citation


class TypeRule(Strict):
    when: Condition = Field(default_factory=dict)
    unless: Condition | None = None
    type: str
    source: Citation


class Types(Strict):
    coaching: list[TypeRule]
    mentoring: list[TypeRule]

    @model_validator(mode="after")
    def _known_types(self) -> Types:
        for name, allowed in (("coaching", COACHING_TYPES), ("mentoring", MENTORING_TYPES)):
            for i, t in enumerate(getattr(self, name)):
                if t.type not in allowed:
                    raise ValueError(
                        f"{name}[{i}].type '{t.type}' is not one of {', '.join(allowed)}"
                    )
        return self


class Decision(Strict):
    both_min: float = Field(gt=0, le=MAX_POINTS, description="both options score at least this ...")
    both_ratio: float = Field(
        gt=0, le=1, description="... and the lower is at least this share of the higher: `both`"
    )
    other_below: float = Field(
        ge=-MAX_POINTS, le=MAX_POINTS, description="the best score is below this: `other`"
    )
    other_alternative: Literal[ALTERNATIVES] = "conversation"  # type: ignore[valid-type]
    other_reason: str
    other_source: Citation
    grey_zone: float = Field(ge=0, le=MAX_POINTS, description="a winning margin below this is borderline")
    decisive_margin: float = Field(
        gt=0, le=MAX_POINTS, description="a margin this large gives full confidence"
    )
    person_cap: float | None = Field(
        None,
        gt=0,
        le=MAX_POINTS,
        description=(
            "the person's answers (rules with tier: person) move each option by at most this "
            "many points in total, so they refine the need rather than outvote it"
        ),
    )
    max_reasons: int = Field(4, ge=1, le=20, description="reasons shown with a result")


class OptionText(Strict):
    label: str
    summary: str
    offers: str
    downside: str
    source: Citation
    downside_source: Citation | None = Field(None, description="the passage the downside encodes")


class PlanItem(Strict):
    heading: str
    text: str
    source: Citation
    when: Condition | None = Field(None, description="include only when these answers hold")
    unless: Condition | None = Field(None, description="leave out when these answers hold")


class Plan(Strict):
    sessions: int | None = Field(None, ge=0, description="sessions for capacity planning")
    hours_per_session: float | None = Field(None, ge=0)
    items: list[PlanItem]


class Alternative(Strict):
    label: str
    where_to_turn: str
    source: Citation


def _headlines() -> dict[Literal["coaching", "mentoring", "both", "other"], str]:
    return {
        "coaching": "Coaching",
        "mentoring": "Mentoring",
        "both": "Both mentoring and coaching",
        "other": "Another kind of support first",
    }


def _confidence_words() -> dict[Literal["high", "moderate", "low"], str]:
    return {
        "high": "The answers clearly call for {result}.",
        "moderate": "The answers make a reasonable case for {result}.",
        "low": "The answers only lean towards {result}: a starting point for a conversation.",
    }


def _result_words() -> dict[Literal["coaching", "mentoring", "both"], str]:
    return {"coaching": "coaching", "mentoring": "mentoring", "both": "both mentoring and coaching"}


def _confidence() -> dict[Literal["high", "moderate", "low"], str]:
    return {
        "high": "high",
        "moderate": "moderate",
        "low": "low",
    }


class Texts(Strict):
    """The result's wording, so an organisation can word it for its own staff."""

    headlines: dict[Literal["coaching", "mentoring", "both", "other"], str] = Field(default_factory=_headlines)
    confidence: dict[Literal["high", "moderate", "low"], str] = Field(default_factory=_confidence)
    # How a reason about the need they chose is worded when the result does not follow it, so
    # that it never reads as support for the result: {reason} is the rule's own reason.
    need_set_aside: str = Field(
        "Their chosen need, to return to once that is dealt with: {reason}",
        description="the result is another kind of support first ({reason}: the need's reason)")
    need_outweighed: str = Field(
        "Their chosen need points the other way, but the reasons above outweigh it: {reason}",
        description="the need leans away from the result ({reason}: the need's reason)")
    need_also: str = Field(
        "Their chosen need is one the sources list for {option} too, set aside here for the "
        "reasons above: {reason}",
        description=(
            "the need fits the result, and one of its rules points to the other option as well "
            "({option}: that option; {reason}: the rule's reason)"))
    # How sure, for people (issue 23): words that fit the result instead of a number, which
    # stays in JSON and the saved report. {result} is filled by plain replacement.
    confidence_words: dict[Literal["high", "moderate", "low"], str] = Field(
        default_factory=_confidence_words,
        description=(
            "per confidence band, how sure in words, with {result}: the result's words "
            "(result_words), or for `other` the alternative's label ('a conversation first')"
        ),
    )
    result_words: dict[Literal["coaching", "mentoring", "both"], str] = Field(
        default_factory=_result_words,
        description="the result in the middle of a sentence ('the answers clearly call for both')")
    stated_firmly: dict[Literal[ALTERNATIVES], str] = Field(  # type: ignore[valid-type]
        default_factory=dict,
        description=(
            "alternatives stated firmly, never weighed (a crisis): these words take the place of "
            "the confidence, and a terminal shows no scores and no 'what would change it'"
        ),
    )

    @field_validator("confidence_words")
    @classmethod
    def _has_result(cls, value: dict[str, str]) -> dict[str, str]:
        for band, text in value.items():
            rest = text.replace("{result}", "")
            if "{result}" not in text or "{" in rest or "}" in rest:
                raise ValueError(f"{band}: must contain {{result}} (where the result goes) and no other braces")
        return value

    @field_validator("need_set_aside", "need_outweighed", "need_also")
    @classmethod
    def _has_reason(cls, value: str, info: ValidationInfo) -> str:
        if "{reason}" not in value:
            raise ValueError("must contain {reason}, where the need's own reason goes")
        allowed = ("{reason}", "{option}") if info.field_name == "need_also" else ("{reason}",)
        rest = value
        for placeholder in allowed:
            rest = rest.replace(placeholder, "")
        if rest.count("{") or rest.count("}"):
            raise ValueError(f"only {' and '.join(allowed)} may be in braces")
        return value


class Preference(Strict):
    """One of `match`'s preferences: how much it counts, and how a pair's reasons word it."""

    weight: float = Field(ge=0, le=MAX_POINTS, description="its share of a pair's score")
    reason: str = Field(min_length=3, description="the words shown when a pair has it")
    unmet: str | None = Field(
        None, description="the words shown when a pair does not have it (default: 'not: ' and the reason)")
    unknown: str | None = Field(
        None, description="the words shown when the supporter's side is not known (no school, "
                          "subject, phase or trained flag); default: as unmet")
    flag: bool = Field(
        False, description="flag every pair that does not have it (a pair for the school to check)")
    source: Citation | None = None

    def unmet_words(self) -> str:
        return self.unmet or f"not: {self.reason}"

    def unknown_words(self) -> str:
        return self.unknown or self.unmet_words()


def _pref(weight: float, reason: str, unmet: str | None = None, unknown: str | None = None,
          flag: bool = False) -> Preference:
    return Preference(weight=weight, reason=reason, unmet=unmet, unknown=unknown, flag=flag)


STAGE_IDS = ("trainee", "early_career", "established", "middle_leader", "senior_leader")
Stage = Literal["trainee", "early_career", "established", "middle_leader", "senior_leader"]


class MatchRule(Strict):
    """A hard rule of `match` that a school may switch off: a pair that breaks it is never
    made (the contract's own rules, such as a coach never being the line manager, are not
    here and cannot be switched off)."""

    on: bool = Field(True, description="false: the rule is not applied")
    reason: str = Field(min_length=3, description="the rule in words, shown when it excludes someone")
    source: Citation


class StageRule(MatchRule):
    """A mentor's career stage is at least `at_least`."""

    at_least: Stage


class TrainedCoachRule(MatchRule):
    """Coaching of people at these career stages, or of these coaching types, is by a coach
    whose `trained` is yes."""

    stages: list[Stage] = Field(default_factory=lambda: list[Stage](["senior_leader"]))
    types: list[Literal[COACHING_TYPES]] = Field(default_factory=lambda: ["executive"])  # type: ignore[valid-type]


class MatchRules(Strict):
    """The hard rules a school may adjust or switch off."""

    novice_mentor_stage: StageRule = Field(description=(
        "a trainee's or early career teacher's mentor is at least this stage (an experienced "
        "teacher); off: one stage ahead of the mentee"))
    novice_same_phase: MatchRule = Field(description=(
        "a trainee's or early career teacher's mentor is in a phase that fits theirs (when both "
        "are known)"))
    succession_mentor: StageRule = Field(description=(
        "succession mentoring is by a mentor at least this stage; such a mentor is also the "
        "suitable gap in experience (stage_gap)"))
    trained_coach: TrainedCoachRule = Field(description=(
        "coaching of senior leaders (and of the listed types) is by a trained coach"))


class OwnSchool(Strict):
    """A trainee's or early career teacher's mentor is in their own school where the optimum can
    do it: after the most novices' mentoring and the most relationships, as many of those
    mentors as possible are in the novice's school; a mentor from elsewhere is flagged."""

    on: bool = True
    reason: str = Field(min_length=3, description="the words of the flag on a mentor from elsewhere")
    source: Citation
    elsewhere_source: Citation | None = Field(
        None, description="the passage that allows a mentor from another school when none fits")


class Phase(Strict):
    """A phase of education: the words that say it in a phase, subject or school cell."""

    label: str = Field(min_length=2)
    words: list[str] = Field(default_factory=list, description=(
        "words or phrases that mean this phase in a phase, subject or school cell (whole words, "
        "case and punctuation ignored): 'Primary', 'KS2', 'EYFS'"))
    spans: list[str] = Field(default_factory=list, description=(
        "the other phases it covers (an all-through school covers primary and secondary)"))


class ScoreBand(Strict):
    at_least: float = Field(ge=0, le=1, description="the lowest score in this band")
    words: str = Field(min_length=2)


class Bands(Strict):
    """Score bands: a pair's score is shown as its band's words."""

    good: ScoreBand = Field(default_factory=lambda: ScoreBand(at_least=0.6, words="good match"))
    fair: ScoreBand = Field(default_factory=lambda: ScoreBand(at_least=0.4, words="fair match"))
    weak: str = Field("weak match", min_length=2, description="the words below fair")
    flag_below: Literal["good", "fair", "none"] = Field(
        "good", description="flag every pair below this band (none: never)")

    @model_validator(mode="after")
    def _ordered(self) -> Bands:
        if self.fair.at_least > self.good.at_least:
            raise ValueError("fair.at_least must not be above good.at_least")
        return self


def _phases() -> dict[str, Phase]:
    return {"primary": Phase(label="primary", words=["primary"]),
            "secondary": Phase(label="secondary", words=["secondary"])}


class Matching(Strict):
    """`coachmentor match`: who may support whom beyond the contract's hard rules, and what
    makes one eligible supporter better than another. A pair's score is the weights it earns
    over the weights that apply to the need (0..1)."""

    same_school: Preference = Field(default_factory=lambda: _pref(3, "works at the same school"))
    same_phase: Preference = Field(default_factory=lambda: _pref(4, "works in the same phase"))
    same_subject: Preference = Field(
        default_factory=lambda: _pref(3, "teaches the same subject or phase (mentoring)"))
    trained: Preference = Field(default_factory=lambda: _pref(2, "trained for this role"))
    stage_gap: Preference = Field(
        default_factory=lambda: _pref(2, "one or two career stages ahead (mentoring)"))
    outside_line: Preference = Field(
        default_factory=lambda: _pref(2, "from outside the person's subject or department "
                                         "(coaching)"))
    specialism: Preference = Field(
        default_factory=lambda: _pref(1, "a specialist in this type of coaching or mentoring"))
    load_spread: Preference = Field(
        default_factory=lambda: _pref(1, "has places to spare"))
    rules: MatchRules | None = Field(None, description="hard rules a school may adjust or switch off")
    own_school: OwnSchool | None = Field(
        None, description="trainees' and early career teachers' mentors from their own school first")
    phases: dict[Id, Phase] = Field(default_factory=_phases, description=(
        "the phases of education, read from a phase column, else the subject, else the school"))
    bands: Bands = Field(default_factory=Bands)
    not_given: list[str] = Field(
        default_factory=lambda: ["N/A", "NA", "TBC", "TBD", "None", "Unknown", "Not known"],
        description=("cells that say nothing in match's own columns (school, subject, phase, "
                     "line manager, assessors, trained, specialisms); a cell of punctuation only "
                     "('-', '?') says nothing too"))

    @model_validator(mode="after")
    def _phases_known(self) -> Matching:
        for pid, phase in self.phases.items():
            for other in phase.spans:
                if other not in self.phases or other == pid:
                    raise ValueError(f"phases.{pid}.spans: '{other}' is not another phase here")
        seen: dict[str, str] = {}
        for pid, phase in self.phases.items():
            for word in [pid, *phase.words]:
                key = words(word)
                if key and seen.setdefault(key, pid) != pid:
                    raise ValueError(f"phases: '{word}' is a word of both '{seen[key]}' and '{pid}'")
        return self


class RuleBase(Strict):
    name: str
    version: str
    date: str
    description: str = ""
    sources: dict[Id, SourceDocument]
    fields: list[InfoField] = Field(default_factory=list)
    questions: list[Question] = Field(min_length=1)
    rules: list[Rule] = Field(min_length=1)
    gates: list[Gate] = Field(default_factory=list)
    overrides: list[Override] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)
    types: Types
    decision: Decision
    options: dict[Literal["coaching", "mentoring"], OptionText]
    alternatives: dict[Literal[ALTERNATIVES], Alternative] = Field(default_factory=dict)  # type: ignore[valid-type]
    plans: dict[Literal["coaching", "mentoring", "both", "other"], Plan] = Field(
        default_factory=dict
    )
    texts: Texts = Field(default_factory=Texts)
    matching: Matching = Field(default_factory=Matching)
    evidence: dict[Literal[EVIDENCE_KINDS], EvidenceKind] = Field(  # type: ignore[valid-type]
        default_factory=dict,
        description="per kind of source, the most a rule about the need may take from it")
    no_answer: list[str] = Field(
        default_factory=list,
        description=(
            "words that mean 'no answer' in any answer column (N/A, not asked, TBC, not sure): "
            "read as blank, unless a question's own choices give the word a meaning "
            "(time_frame's 'TBC' is 'open'); at the questionnaire they skip an optional question"
        ),
    )

    @model_validator(mode="after")
    def _unique_ids(self) -> RuleBase:
        seen: set[str] = set()
        named: list[InfoField | Question] = [*self.fields, *self.questions]
        for item in named:
            if item.id in seen:
                raise ValueError(f"field or question id '{item.id}' is declared twice")
            seen.add(item.id)
        seen = set()
        ruled: list[Rule | Gate | Override | Check] = [*self.rules, *self.gates, *self.overrides, *self.checks]
        for r in ruled:
            if r.id in seen:
                raise ValueError(f"rule id '{r.id}' is declared twice")
            seen.add(r.id)
        return self
