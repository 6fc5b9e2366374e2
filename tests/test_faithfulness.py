"""Issue 21, the faithfulness review's second round: each test names the passage it encodes.

The whole-space statements (low reflection never given a coach; monotone in every answer
that points one way; no reason contradicting its result; types and plans following the need
and the time frame) are the shipped suite's (rules/suites/sources.yaml), run over the whole
answer space in test_source_invariants.py. Here: the worked cases behind them, and what the
suite cannot say (how a reason is worded, what a plan says, the evidence weights).
"""

from __future__ import annotations

import pytest
from conftest import one_error_line

from coachmentor.advice import build_advice
from coachmentor.engine import assess, assess_canonical, decide, what_if

AREAS = ["specific_practice", "interpersonal", "conflict", "leadership_challenge", "feedback"]


def _plan_text(rules, answers) -> str:
    doc = build_advice(rules, answers)
    return " | ".join(f"{i['heading']}: {i['text']}" for p in doc["plan"].values() for i in p["items"])


def _rule(rules, rule_id):
    return next(r for r in rules.model.rules if r.id == rule_id)


# --- 1. low reflection: no coach in any form -------------------------------------------


@pytest.mark.parametrize("time_frame", ["long", "short", None])
def test_an_early_career_teacher_who_cannot_reflect_gets_no_coach_whatever_the_time_frame(
        shipped_rules, time_frame):
    """The Complete Introduction: "as a good coaching model requires a level of expertise on
    behalf of the coachee in order to enable effective reflection, the use of coaching too
    early on in the career of a teacher may perhaps be ineffective or even damaging". The
    issue's example: with low reflection an ECT got `both` with a long time frame and
    mentoring with a short one; now mentoring, with the constraint first."""
    answers = {"career_stage": "early_career", "focus": "specific_practice",
               "reflective_capacity": "low", "time_frame": time_frame}
    result = assess_canonical(shipped_rules, answers)
    assert result.recommendation == "mentoring"
    assert result.coaching_type is None
    assert result.reasons[0].rule == "low_reflection_not_coached"
    # the constraint it passed through ("give them a mentor as well as coaching") is not shown
    assert not any(r.rule in ("early_career_not_coached_alone", "early_career_mentor_and_coach")
                   for r in result.reasons)


def test_a_both_result_loses_its_coach_when_they_cannot_reflect(shipped_rules):
    """Same passage: a judgement at a threshold made coaching `both`, and the old constraint
    only rewrote `coaching`; someone who cannot reflect is now mentored."""
    base = {"career_stage": "established", "focus": "conflict", "assessment_needed": "yes",
            "reflective_capacity": "moderate"}
    assert assess(shipped_rules, base).recommendation == "both"
    low = assess(shipped_rules, {**base, "reflective_capacity": "low"})
    assert low.recommendation == "mentoring" and low.decided_by == "low_reflection_not_coached"


# --- 2. the cases the sources give to both ----------------------------------------------


@pytest.mark.parametrize("stage", ["established", "middle_leader", "senior_leader"])
def test_a_strategic_perspective_counts_the_promotion_once_and_keeps_its_coach(shipped_rules, stage):
    """School HR guidance lists "developing a more strategic perspective after a promotion to a
    more senior role" under coaching and under mentoring. Answering "new to the role" as well
    no longer adds the promotion again for mentoring, and nothing that rules coaching out
    leaves them a mentor alone."""
    answers = {"career_stage": stage, "focus": "strategic_perspective", "new_to_role": "yes",
               "assessment_needed": "yes", "preference": "advice"}
    dec = decide(shipped_rules, answers)
    assert "new_to_role_mentoring" not in {c.rule.id for c in dec.fired}
    result = assess(shipped_rules, answers)
    assert result.recommendation == "both"
    assert {"strategic_perspective_coaching", "strategic_perspective_mentoring"} <= {r.rule for r in result.reasons}
    # a constraint that rules coaching out still does
    assert assess(shipped_rules, {**answers, "open_to_coaching": "no"}).recommendation == "mentoring"


@pytest.mark.parametrize("focus", AREAS)
def test_an_early_career_teacher_with_an_identified_area_has_an_induction_mentor_and_a_coach(shipped_rules, focus):
    """The Complete Introduction: "It is more than feasible for a teacher, particular one in the
    Early Career Development phase, to have an official Mentor who manages their induction or
    transition, and a separate Coach who offers more focused and specific guidance in
    identified areas of need." Even when the person's answers lean to mentoring."""
    answers = {"career_stage": "ECT", "focus": focus, "time_frame": "long", "goal_type": "broad",
               "preference": "advice"}
    result = assess(shipped_rules, answers)
    assert result.recommendation == "both"
    assert result.mentoring_type == "induction" and result.coaching_type is not None
    assert result.decided_by == "early_career_mentor_and_coach"
    plan = _plan_text(shipped_rules, assess(shipped_rules, answers).answers)
    assert "separate" in plan.lower() or "two people" in plan.lower() or "one person" in plan.lower()


@pytest.mark.parametrize("focus", ["induction", "new_role"])
@pytest.mark.parametrize("stage", ["early_career", "established", "senior_leader"])
def test_a_new_role_or_induction_need_is_mentored_even_for_a_reflective_coachee(shipped_rules, focus, stage):
    """CUREE (the Complete Introduction): mentoring offers "activities which promote and enhance
    effective transitions between professional roles"; the school HR guidance lists "new to
    role and responsibilities" for mentoring only. The transition itself is mentoring's; a
    coach comes with a specific need (choose that need and answer new to the role)."""
    answers = {"career_stage": stage, "focus": focus, "reflective_capacity": "high",
               "preference": "own_answers", "open_to_coaching": "yes", "time_frame": "short"}
    assert assess(shipped_rules, answers).recommendation == "mentoring"
    specific = assess(shipped_rules, {"career_stage": "senior_leader", "focus": "leadership_challenge",
                                      "new_to_role": "yes", "open_to_coaching": "yes"})
    assert specific.recommendation == "both"


@pytest.mark.parametrize("focus", AREAS)
def test_a_trainee_who_can_reflect_has_a_coach_beside_the_mentor_for_an_identified_area(shipped_rules, focus):
    """The Complete Introduction counts ITT in the early career phase ("Teacher education,
    although essential in the Early Career stages – ITT, PGCE and into NQT and RQT") and says
    coaching too early "may perhaps be ineffective", because a coachee needs "a level of
    expertise ... to enable effective reflection". A trainee who can reflect well and has an
    identified area of need gets a coach beside the mentor; without high reflection, mentoring."""
    high = assess(shipped_rules, {"career_stage": "trainee", "focus": focus, "reflective_capacity": "high"})
    assert high.recommendation == "both" and high.mentoring_type == "induction"
    for refl in (None, "moderate", "low"):
        answers = {"career_stage": "trainee", "focus": focus, "reflective_capacity": refl}
        assert assess_canonical(shipped_rules, answers).recommendation == "mentoring", refl
    other_need = assess(shipped_rules, {"career_stage": "trainee", "focus": "career_direction",
                                        "reflective_capacity": "high"})
    assert other_need.recommendation == "mentoring"


# --- 3. reasons never argue with the result --------------------------------------------


def test_a_capable_advice_seeker_who_is_mentored_is_not_told_mentoring_stunts_them(shipped_rules):
    """The Key: "they will never grow if we just fall back on mentoring" is a reason for
    coaching someone who can reach their own answers; shown under a mentoring result (they are
    negative about coaching) it argued with the result. It is now shown only where it
    supports the result, and it cancels the wish for advice rather than outweighing it."""
    answers = {"career_stage": "established", "focus": "specific_practice", "preference": "advice",
               "reflective_capacity": "high"}
    coached = assess(shipped_rules, answers)
    assert coached.recommendation == "coaching"
    assert any(r.rule == "capable_despite_preference" for r in coached.reasons)
    mentored = assess(shipped_rules, {**answers, "open_to_coaching": "no"})
    assert mentored.recommendation == "mentoring"
    assert not any("would not let them grow" in r.text for r in mentored.reasons)
    # the same scores as with no preference at all: wanting advice never counts for coaching
    blank = decide(shipped_rules, {k: v for k, v in answers.items() if k != "preference"})
    dec = decide(shipped_rules, answers)
    assert (dec.coaching, dec.mentoring) == (blank.coaching, blank.mentoring)


def test_the_long_time_frame_and_broad_goal_reasons_say_what_the_sources_say(shipped_rules):
    """School HR guidance: coaching "less than six months"; mentoring "typically for a longer
    period of time" (long means longer than six months, not "a year or more"). Maddox-Daines:
    "Mentoring goals tend to be longer term and larger goals" (becoming a better leader is
    their example, not every broad goal's)."""
    long = _rule(shipped_rules, "long_time_frame")
    assert "six months" in long.reason and "a year or more" not in long.reason
    assert long.source.quote.endswith("Mentoring is typically for a longer period of time.")
    broad = _rule(shipped_rules, "broad_goal_mentoring")
    assert "better leader" not in broad.reason
    result = assess(shipped_rules, {"career_stage": "established", "focus": "wellbeing", "goal_type": "broad"})
    assert not any("better leader" in r.text for r in result.reasons)


# --- 4. types and plans follow the need and the time frame -----------------------------


@pytest.mark.parametrize("focus, mentoring_type", [
    ("wellbeing", "career"), ("career_direction", "career"), ("monitoring_concern", "challenge"),
    ("conflict", "challenge"), ("new_role", "transition"), ("succession", "succession"),
])
def test_the_mentoring_type_follows_the_need(shipped_rules, focus, mentoring_type):
    """Maddox-Daines' career mentoring example is about work/life balance ("how a manager in his
    field manages work life balance"); CUREE: mentoring "consists of offering guidance through
    periods of induction, progression and challenge"; a need that is neither a career nor a
    transition is no longer called career mentoring."""
    result = assess(shipped_rules, {"career_stage": "established", "focus": focus,
                                    "reflective_capacity": "low"})
    assert result.recommendation == "mentoring"
    assert result.mentoring_type == mentoring_type


def test_performance_coaching_is_for_feedback_on_strengths_and_weaknesses(shipped_rules):
    """Maddox-Daines: "Performance coaching – seeks to raise performance in individuals, teams
    and organisations by improving current skills"; school HR guidance: coaching "provides
    people with feedback on both their strengths and their weaknesses"."""
    answers = {"career_stage": "established", "focus": "feedback", "reflective_capacity": "high",
               "preference": "own_answers", "open_to_coaching": "yes", "time_frame": "short",
               "assessment_needed": "yes"}
    result = assess(shipped_rules, answers)
    assert result.recommendation in ("coaching", "both")
    assert result.coaching_type == "performance"


def test_feedback_on_strengths_and_weaknesses_is_a_coaching_need(shipped_rules):
    """School HR guidance, situations where coaching is suitable: "provides people with feedback
    on both their strengths and their weaknesses". It is a need coaching is for, not only an
    alternative to it (feedback first stays for someone with no self-insight)."""
    result = assess(shipped_rules, {"career_stage": "established", "focus": "Feedback"})
    assert result.recommendation == "coaching" and result.coaching_type == "performance"
    assert result.reasons[0].rule == "feedback_coaching"
    screened = assess(shipped_rules, {"career_stage": "established", "focus": "feedback",
                                      "readiness_concern": "no_self_insight"})
    assert (screened.recommendation, screened.alternative) == ("other", "feedback_first")


def test_a_long_coaching_plan_is_planned_in_cycles_not_as_under_six_months(shipped_rules):
    """School HR guidance: "Coaching is generally for a short defined period of time (i.e. less
    than six months) and/or for a specific purpose." Someone who needs longer gets coaching in
    cycles, each with its own purpose; a short time frame keeps the six-month plan."""
    answers = {"career_stage": "established", "focus": "specific_practice", "reflective_capacity": "high",
               "preference": "own_answers", "open_to_coaching": "yes", "time_frame": "long"}
    assert assess(shipped_rules, answers).recommendation == "coaching"
    plan = _plan_text(shipped_rules, answers)
    assert "under six months" not in plan and "cycles" in plan and "longer than six months" in plan
    short = _plan_text(shipped_rules, {**answers, "time_frame": "short"})
    assert "under six months" in short and "cycles" not in short


def test_a_short_mentoring_plan_is_not_monthly_over_a_year(shipped_rules):
    """School HR guidance: "Mentoring is typically for a longer period of time." A short time
    frame gets a plan for the period they need, saying that mentoring is usually longer; a
    long one keeps Armat's monthly meetings over a year (Maddox-Daines)."""
    answers = {"career_stage": "middle_leader", "focus": "monitoring_concern", "time_frame": "short"}
    plan = _plan_text(shipped_rules, answers)
    assert "over a year" not in plan and "within about six months" in plan
    assert "monthly over a year" in _plan_text(shipped_rules, {**answers, "time_frame": "long"})


def test_the_inclusion_plan_names_a_mentor_from_a_similar_background(shipped_rules):
    """School HR guidance: "a senior female or ethnic minority leader mentors a more junior
    colleague from a similar background"."""
    plan = _plan_text(shipped_rules, {"career_stage": "established", "focus": "inclusion"})
    assert "similar background" in plan and "senior female or ethnic minority leader" in plan


def test_the_mentoring_plan_lists_who_can_mentor(shipped_rules):
    """School HR guidance, "Who coaches or mentors?": "line managers and others trained in basic
    coaching skills within your school environment ... person(s) from other local schools or
    schools within your federation ... other external organisations"."""
    plan = _plan_text(shipped_rules, {"career_stage": "established", "focus": "monitoring_concern"}).lower()
    for words in ("line manager", "another local school", "federation", "external organisation"):
        assert words in plan, words
    reverse = _plan_text(shipped_rules, {"career_stage": "senior_leader", "focus": "reverse"}).lower()
    assert "more junior colleague" in reverse and "line manager or another colleague" not in reverse


# --- 5. the voluntary paradox ------------------------------------------------------------


def test_asking_for_support_never_makes_coaching_what_someone_else_raising_it_would_give(shipped_rules):
    """The NHS deanery's coaching FAQ: "You cannot be referred to coaching. Coachees must be
    fully engaged with coaching and seek it voluntarily." The Complete Introduction: mentoring
    "is more likely to be used when a staff member perhaps identifies their own need". The
    issue's case: an established teacher who raised their own career need was told to talk it
    through, with "coaching would be recommended if someone else had raised it"."""
    answers = {"career_stage": "established", "focus": "career_direction", "self_identified": "yes"}
    result = assess(shipped_rules, answers)
    changes = {(w.field, w.value): w.recommendation for w in what_if(shipped_rules, result.answers)}
    assert changes.get(("self_identified", "no")) not in ("coaching", "both")
    referred = decide(shipped_rules, {**answers, "self_identified": "no"})
    asked = decide(shipped_rules, answers)
    # from "no" to "yes", both options gain alike: one point each
    assert (asked.coaching - referred.coaching, asked.mentoring - referred.mentoring) == (1.0, 1.0)


# --- 6. evidence weighed by its kind -----------------------------------------------------


def test_a_providers_advocacy_weighs_less_than_a_definition(shipped_rules):
    """Barrows (2024), the director of a leadership-coaching provider: "we'd argue that working
    with a skilled professional leadership coach is the way to go" is advocacy, at most 2
    points for a need; CUREE's definition (coaching "involves activities which promote and
    enhance the development of a specific aspect of teaching and learning or leadership
    practice") carries the rest of a leadership challenge's coaching need."""
    m = shipped_rules.model
    assert m.sources["barrows2024"].kind == "advocacy" and m.sources["complete_intro"].kind == "research"
    assert m.evidence["advocacy"].need_points < m.evidence["research"].need_points
    assert _rule(shipped_rules, "leadership_challenge_coaching").points == {"coaching": 2}
    assert _rule(shipped_rules, "leadership_practice_coaching").source.doc == "complete_intro"
    for r in m.rules:
        kind = m.sources[r.source.doc].kind
        if r.tier == "need" and kind:
            assert max(abs(v) for v in r.points.values()) <= m.evidence[kind].need_points, r.id


def test_rules_check_refuses_a_need_weighed_beyond_its_kind_of_evidence(run_cli, rules_copy):
    text = rules_copy.read_text(encoding="utf-8")
    head = "  - id: leadership_challenge_coaching\n    tier: need\n    when: {focus: leadership_challenge}\n    points: {coaching: 2}\n"
    assert head in text, "the shipped rule base changed; update this test's edit"
    rules_copy.write_text(text.replace(head, head.replace("{coaching: 2}", "{coaching: 4}")), encoding="utf-8")
    line = next(i for i, ln in enumerate(rules_copy.read_text(encoding="utf-8").splitlines(), 1)
                if ln == "    points: {coaching: 4}" and i > text[:text.index(head)].count("\n"))
    one_error_line(run_cli("rules", "check", rules_copy), f"{rules_copy}:{line}: ",
                   "'leadership_challenge_coaching' gives 4 points on barrows2024", "advocacy")


# --- the suites cite the sources verbatim ---------------------------------------------------


def test_every_quote_in_the_shipped_suites_is_in_its_source(shipped_rules, sources_dir):
    """The shipped suites' cases cite passages as the rule base does: each quote from a
    document with a stored copy appears in it (ignoring case, spacing and curly quotes, as
    `rules check --sources` reads the rule base's)."""
    from pathlib import Path

    from coachmentor.verify.lint import _norm
    from coachmentor.verify.suite import load_suite

    suites = Path(__file__).resolve().parents[1] / "rules" / "suites"
    texts = {sid: _norm((sources_dir / src.file).read_text(encoding="utf-8"))
             for sid, src in shipped_rules.model.sources.items() if src.file}
    checked, missing = 0, []
    for path in sorted(suites.glob("*.yaml")):
        for case in load_suite(path, shipped_rules).cases:
            if case.source and case.source["doc"] in texts:
                checked += 1
                if _norm(case.source["quote"]) not in texts[case.source["doc"]]:
                    missing.append(f"{path.name} {case.id}: {case.source['quote'][:60]}")
    assert missing == []
    assert checked >= 40


# --- the new statements of the suite can fail ------------------------------------------------


def test_the_suite_fails_the_old_low_reflection_constraint_and_a_misleading_frame(rules_copy):
    """With the low-reflection constraint rewriting `coaching` only (as before issue 21), and
    the frame for a need listed for both saying it points the other way, the shipped suite's
    new statements break: low reflection gets a coach through `both`, the result moves
    towards mentoring as an answer moves towards coaching, and a reason argues with its result."""
    from pathlib import Path

    from coachmentor.rulebase.loader import load_rules
    from coachmentor.verify.suite import run_suites

    text = rules_copy.read_text(encoding="utf-8")
    head = "  - id: low_reflection_not_coached\n    when: {reflective_capacity: low}\n    if_recommendation: [coaching, both]\n"
    assert head in text, "the shipped rule base changed; update this test's edit"
    text = text.replace(head, head.replace("[coaching, both]", "[coaching]"))
    frame = 'need_also: "Their chosen need is one the sources list for {option} too, set aside here for the reasons above: {reason}"'
    assert frame in text
    # the words of "points the other way" for a need that fits the result as well
    text = text.replace(frame, 'need_also: "Their chosen need points the other way, but the reasons above outweigh it: {reason}"')
    rules_copy.write_text(text, encoding="utf-8")
    suite = Path(__file__).resolve().parents[1] / "rules" / "suites" / "sources.yaml"
    run = run_suites([suite], load_rules(rules_copy),
                     space={"career_stage": ("early_career", "established"),
                            "focus": ("specific_practice", "strategic_perspective"),
                            "preference": (None, "own_answers")})
    failed = {c.id: c for c in run.cases if not c.passed}
    assert {"low_reflection_is_never_given_a_coach", "no_reason_contradicts_its_result",
            "an_answer_towards_coaching_never_moves_the_result_towards_mentoring"} <= set(failed)
    pair = failed["an_answer_towards_coaching_never_moves_the_result_towards_mentoring"].pairs[0]
    assert pair[0][1].recommendation == "both" and pair[1][1].recommendation == "mentoring"
