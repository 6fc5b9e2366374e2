"""coachmentor: coaching, mentoring, both, or another kind of support? A decision aid.

The public API is small:

    from coachmentor import load_rules, assess
    rules = load_rules()                     # the shipped rule base, or load_rules("my.yaml")
    result = assess(rules, {"career_stage": "ECT", "focus": "induction"})
    result.recommendation                    # 'mentoring'

    from coachmentor import load_suite, run_suite
    suite = load_suite("rules/suites/example.yaml", rules)
    run_suite(suite, rules).failed           # 0 when every case holds

Names are imported lazily so that `coachmentor --version` does not pay for pydantic.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "load_rules", "assess", "what_if", "load_suite", "run_suite", "CoachmentorError"]


def __getattr__(name: str) -> Any:
    if name == "load_rules":
        from coachmentor.rulebase.loader import load_rules

        return load_rules
    if name in ("assess", "what_if"):
        from coachmentor import engine

        return getattr(engine, name)
    if name in ("load_suite", "run_suite"):
        from coachmentor.verify import suite

        return getattr(suite, name)
    if name == "CoachmentorError":
        from coachmentor.errors import CoachmentorError

        return CoachmentorError
    raise AttributeError(f"module 'coachmentor' has no attribute {name!r}")
