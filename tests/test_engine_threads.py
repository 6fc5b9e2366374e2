"""Issue 24 item 3: a pure engine. The rule set describes the rules; the engine's memos are
the engine's (one `engine.EngineMemo` per rule set, made on first use), and scoring from many
threads at once gives exactly what scoring one answer set after another gives."""

from __future__ import annotations

import json
import random
import threading

from coachmentor import assess, load_rules
from coachmentor.engine import EngineMemo, Settled


def _sample(rules, n: int, seed: int = 24) -> list[dict[str, str]]:
    rng = random.Random(seed)
    sets = []
    for _ in range(n):
        answers = {}
        for fid in rules.question_order:
            values = rules.choice_values[fid]
            if fid in rules.required or rng.random() < 0.7:
                answers[fid] = rng.choice(values)
        sets.append(answers)
    return sets


def _scored(rules, sets):
    return [json.dumps(assess(rules, a).to_dict(), sort_keys=True) for a in sets]


def test_many_threads_on_one_fresh_rule_set_score_as_one_thread_does():
    sets = _sample(load_rules(), 600)
    expected = _scored(load_rules(), sets)  # a rule set of its own, one answer set at a time
    shared = load_rules()  # fresh: its memos are made while the threads race
    workers = 8
    results: list[list[str]] = [[] for _ in range(workers)]
    start = threading.Barrier(workers)

    def work(k: int) -> None:
        start.wait()
        order = sets if k % 2 else list(reversed(sets))  # the same keys, met in either order
        got = _scored(shared, order)
        results[k] = got if k % 2 else list(reversed(got))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for got in results:
        assert got == expected
    assert isinstance(shared.engine_memo, EngineMemo)


def test_the_rule_set_keeps_no_memo_of_the_engine():
    rules = load_rules()
    before = {k: type(v) for k, v in vars(rules).items()}
    _scored(rules, _sample(rules, 50))
    after = {k: type(v) for k, v in vars(rules).items()}
    # scoring adds nothing to the rule set but the engine's one memo object
    assert set(after) == set(before)
    assert after.pop("engine_memo") is EngineMemo
    assert {k: v for k, v in before.items() if k != "engine_memo"} == after
    for name in ("decided", "decided_alike", "parts", "settled", "lead_reasons", "warned", "typed"):
        assert not hasattr(rules, name), name


def test_what_is_settled_is_named():
    rules = load_rules()
    assess(rules, {"career_stage": "early_career", "focus": "induction"})
    settled = next(iter(rules.engine_memo.settled.values()))
    assert isinstance(settled, Settled)
    assert settled.recommendation in ("coaching", "mentoring", "both", "other")
