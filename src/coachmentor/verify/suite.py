"""Test suites for a rule base: vignettes (one answer set, an expected result) and invariants
(a property checked over the whole answer space). `coachmentor rules test` runs them.

The library: load and validate a suite file (`schema`), enumerate the answer space
(`space`), run the cases (`run`); this module names them all in one place. Nothing here
prints; `render/suite.py` renders the results.

    rules = load_rules("my-rules.yaml")
    suite = load_suite("rules/suites/example.yaml", rules)
    result = run_suite(suite, rules)           # a SuiteResult; result.failed == 0 when all pass

A suite file (YAML, read with the project's safe loader, validated strictly):

    name: Source vignettes                          # optional
    vignettes:
      - id: reverse_mentoring_senior_leader
        source: {doc: school_hr, quote: "..."}      # optional; doc is a source id of the rule base
        answers: {career_stage: SLT, focus: reverse}   # as --answers accepts
        expect: {recommendation: mentoring, mentoring_type: reverse}
    invariants:
      - id: trainees_never_coached
        when: {career_stage: trainee}               # "" means 'left blank'
        unless: {readiness_concern: [skill_gap]}    # optional
        expect: {recommendation_not: [coaching]}
    monotone:
      - id: towards_coaching_never_towards_mentoring
        results: [mentoring, both, coaching]        # in order; others (other) are not compared
        answers:                                    # each answer's values in the same order
          reflective_capacity: [low, "", moderate, high]
          preference: [advice, ["", none], own_answers]   # a list inside: values alike
    space: {readiness_concern: ["", none]}          # optional: narrow every invariant's sweep

Expectations: `recommendation` / `recommendation_not` (a value or a list), `alternative`,
`coaching_type`, `mentoring_type` (a value, a list, or null for 'must be null'),
`reasons_include` (rule ids that must be among the result's reasons), `reasons_agree: true`
(every reason shown supports the result or is introduced as set aside: verify/outcome.py),
and `plan_includes` / `plan_excludes` (words the plan shown with the result must or must not
contain). A monotone case holds when no pair of answer sets that differ in one listed answer
only gives a result earlier in its order for a value in a later tier (verify/monotone.py).

The only places that know the engine's API are `engine_adapter` and `vocabulary`.
"""

from coachmentor.verify.run import (
    PROGRESS_EVERY,
    CaseResult,
    RunResult,
    SuiteResult,
    _check_invariants,
    _in_order,
    _monotone_results,
    check_size,
    monotone_sweep,
    run_suite,
    run_suites,
    sweep_plan,
)
from coachmentor.verify.schema import (
    _ID_PATTERN,
    BLANK,
    MAX_EXAMPLES,
    MAX_SUITE_BYTES,
    OUTCOME_FIELDS,
    Case,
    Check,
    Condition,
    Expect,
    Expectation,
    Fail,
    InvariantModel,
    MonotoneModel,
    Nullable,
    Outcome,
    Scalar,
    Suite,
    SuiteCitation,
    SuiteError,
    SuiteModel,
    VignetteModel,
    Vocabulary,
    _CaseCompiler,
    _check_answers,
    _compile_condition,
    _compile_expect,
    _compile_monotone,
    _ordered,
    _shown_value,
    _Strict,
    _values,
    engine_adapter,
    load_suite,
    read_suite_document,
    show,
    sorted_tier,
    suite_from_document,
    vocabulary,
)
from coachmentor.verify.space import (
    _EXACT_COMBOS,
    MAX_SWEEP,
    SpacePlan,
    _sample,
    _sweep,
    answer_sets,
    merge_space,
    parse_space,
    plan_space,
    space_size,
)

__all__ = [
    "BLANK",
    "Case",
    "CaseResult",
    "Check",
    "Condition",
    "Expect",
    "Expectation",
    "Fail",
    "InvariantModel",
    "MAX_EXAMPLES",
    "MAX_SUITE_BYTES",
    "MAX_SWEEP",
    "MonotoneModel",
    "Nullable",
    "OUTCOME_FIELDS",
    "Outcome",
    "PROGRESS_EVERY",
    "RunResult",
    "Scalar",
    "SpacePlan",
    "Suite",
    "SuiteCitation",
    "SuiteError",
    "SuiteModel",
    "SuiteResult",
    "VignetteModel",
    "Vocabulary",
    "_CaseCompiler",
    "_EXACT_COMBOS",
    "_ID_PATTERN",
    "_Strict",
    "_check_answers",
    "_check_invariants",
    "_compile_condition",
    "_compile_expect",
    "_compile_monotone",
    "_in_order",
    "_monotone_results",
    "_ordered",
    "_sample",
    "_shown_value",
    "_sweep",
    "_values",
    "answer_sets",
    "check_size",
    "engine_adapter",
    "load_suite",
    "merge_space",
    "monotone_sweep",
    "parse_space",
    "plan_space",
    "read_suite_document",
    "run_suite",
    "run_suites",
    "show",
    "sorted_tier",
    "space_size",
    "suite_from_document",
    "sweep_plan",
    "vocabulary",
]
