"""A validated rule base with the indexes the engine and the readers need.

Built once per load; everything here is derived from the model, so two rule files with the
same content give the same RuleSet.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from coachmentor.errors import AnswersError
from coachmentor.rulebase.normalise import begins_with, duration_value, ends_with, fold, words

if TYPE_CHECKING:  # pragma: no cover
    from coachmentor.rulebase.model import Citation, InfoField, Question, RuleBase

Loc = tuple[str | int, ...]

# What a typed answer is to the rule base (RuleSet.reading), whatever reads it:
READ = "read"  # a choice: its value, label, synonym, prefix, suffix or a typed length
BLANK = "blank"  # nothing typed
NO_ANSWER = "no_answer"  # a word that means 'no answer' (the rule base's `no_answer`)
AMBIGUOUS = "ambiguous"  # a word that does not settle it: read, always with its note
NOT_COVERED = "not_covered"  # people the sources do not cover: not read; its note says why
UNREAD = "unread"  # none of these


class RuleSet:
    def __init__(self, model: RuleBase, *, digest: str,
                 yaml11_booleans: Iterable[Any] = ()) -> None:
        self.model = model
        self.digest = digest
        self.yaml11_booleans = list(yaml11_booleans)
        self.source_file = "<rules>"
        self.document: Any = None
        self.name = model.name
        self.version = model.version
        self.date = model.date
        self.hash = "sha256:" + digest[:16]
        self.questions = {q.id: q for q in model.questions}
        self.question_order = [q.id for q in model.questions]
        self.required = [q.id for q in model.questions if q.required]
        self.optional = [q.id for q in model.questions if not q.required]
        self.info_fields = {f.id: f for f in model.fields}
        self.choice_values = {q.id: [c.value for c in q.choices] for q in model.questions}
        # folded text -> canonical value, per question (values, labels and synonyms)
        self.value_lookup: dict[str, dict[str, str]] = {}
        for q in model.questions:
            table: dict[str, str] = {}
            for c in q.choices:
                table.setdefault(fold(c.value), c.value)
            for c in q.choices:
                for word in c.synonyms:
                    table.setdefault(fold(word), c.value)
            self.value_lookup[q.id] = table
        # per question: (prefix as `words`, value), longest first (see Choice.prefixes)
        self.value_prefixes: dict[str, list[tuple[str, str]]] = {
            q.id: sorted(
                ((words(p), c.value) for c in q.choices for p in c.prefixes),
                key=lambda pv: -len(pv[0]),
            )
            for q in model.questions
        }
        self.value_suffixes: dict[str, list[tuple[str, str]]] = {
            q.id: sorted(
                ((words(s), c.value) for c in q.choices for s in c.suffixes),
                key=lambda sv: -len(sv[0]),
            )
            for q in model.questions
        }
        self.durations = {q.id: q.durations for q in model.questions if q.durations}
        # folded word -> (value, note) / note, per question; folded no-answer words
        self.ambiguous: dict[str, dict[str, tuple[str, str]]] = {
            q.id: {fold(w): (g.read_as, " ".join(g.note.split())) for g in q.ambiguous
                   for w in g.words} for q in model.questions}
        self.not_covered: dict[str, dict[str, str]] = {
            q.id: {fold(w): " ".join(g.note.split()) for g in q.not_covered for w in g.words}
            for q in model.questions}
        # A cell of separators only ('-', '--') folds to '' and is no answer too.
        self.no_answer = frozenset([*(fold(_straight(w)) for w in model.no_answer), ""])
        # folded header -> field id (questions and info fields, ids and aliases)
        self.header_lookup: dict[str, str] = {}
        named: list[InfoField | Question] = [*model.fields, *model.questions]
        for item in named:
            self.header_lookup.setdefault(fold(item.id), item.id)
        for item in named:
            for alias in item.aliases:
                self.header_lookup.setdefault(fold(alias), item.id)
        self.personal_fields = [f.id for f in model.fields if f.personal]
        # answer -> the option it leans to (a stated preference), from the rule base
        self.leans = {
            (q.id, c.value): c.leans for q in model.questions for c in q.choices if c.leans
        }
        self._compile()

    def _compile(self) -> None:
        """Conditions as (field, frozenset of values) tuples, points and citation texts worked
        out once: the engine runs once per combination of conditions, thousands of times in a batch."""
        m = self.model
        self.position = {q: i for i, q in enumerate(self.question_order)}
        need_fields = {q.id for q in m.questions if q.names_need}
        self.follow_ups = [(q.id, compile_condition(q.when)) for q in m.questions if q.when]
        self.c_rules = [
            CompiledRule(
                rule=r,
                when=compile_condition(r.when),
                unless=compile_condition(r.unless),
                coaching=float(r.points.get("coaching", 0.0)),
                mentoring=float(r.points.get("mentoring", 0.0)),
                source=self.citation_text(r.source),
                need=r.tier == "need",
                # the need's own rules: a person rule that also reads the need (capable
                # despite a preference) is about the person, shown only when it supports
                about_need=r.tier == "need" and any(f in r.when for f in need_fields),
                order=order,
            )
            for order, r in enumerate(m.rules)
        ]
        self.c_gates = [(g, compile_condition(g.when)) for g in m.gates]
        self.c_overrides = [
            (o, compile_condition(o.when), compile_condition(o.unless), frozenset(o.if_recommendation))
            for o in m.overrides
        ]
        self.c_checks = [(c, compile_condition(c.when), compile_condition(c.unless)) for c in m.checks]
        self.c_types = {
            kind: [(t, compile_condition(t.when), compile_condition(t.unless)) for t in getattr(m.types, kind)]
            for kind in ("coaching", "mentoring")
        }
        self._index_conditions()

    def _index_conditions(self) -> None:
        """One bit per condition the engine reads (every `when` and `unless` of rules, gates,
        constraints, checks and types), and per answer the bits of the conditions it leaves
        standing: the AND over the answers of these masks says which conditions hold.

        Every part of a result except its confidence is a function of which conditions hold,
        and far fewer combinations of those exist than answer sets (about 107,000 against
        two million in the whole space of the shipped rules), so `engine.brief` memoises on
        this key (the engine's memo: `engine.EngineMemo`)."""
        conditions: list[Compiled] = []
        # Once a gate holds, nothing but the gates, the need's own rules (their reasons are
        # shown) and the checks (warnings) can change the result: `gated` keeps those bits.
        gated: list[int] = []
        for c in self.c_rules:
            if c.about_need:
                gated += [len(conditions), len(conditions) + 1]
            conditions += [c.when, c.unless]
        gate_first = len(conditions)
        conditions += [when for _, when in self.c_gates]
        gates = range(gate_first, len(conditions))
        gated += list(gates)
        for _, when, unless, _ in self.c_overrides:
            conditions += [when, unless]
        for _, when, unless in self.c_checks:
            gated += [len(conditions), len(conditions) + 1]
            conditions += [when, unless]
        for kind in ("coaching", "mentoring"):
            for _, when, unless in self.c_types[kind]:
                conditions += [when, unless]
        masks: dict[str, dict[str | None, int]] = {}
        for fid in self.question_order:
            table: dict[str | None, int] = {}
            for value in [None, *self.choice_values[fid]]:
                bits = 0
                for i, condition in enumerate(conditions):
                    wanted = dict(condition).get(fid)
                    if wanted is None or value in wanted:
                        bits |= 1 << i
                table[value] = bits
            masks[fid] = table
        self.condition_masks = masks
        self.all_conditions = (1 << len(conditions)) - 1
        self.gate_bits = sum(1 << i for i in gates)
        self.gated_bits = sum(1 << i for i in gated)
        self._index_bits(conditions, gate_first)
        # The engine's memos for this rule set (engine.EngineMemo), made by the engine on
        # first use: the rule set only describes the rules, and holds them for as long as it
        # lives. Everything else here is set once, above, and never changes.
        self.engine_memo: object | None = None

    def _index_bits(self, conditions: list[Compiled], gate_first: int) -> None:
        """Where each rule, gate, constraint, check and type sits in the condition bits, so
        that the engine reads what fires from one integer instead of testing every condition
        again: a part with a `when` at bit i and an `unless` at bit i + 1 is in force when
        bit i is set and bit i + 1 is not (an empty `unless` never blocks)."""
        at = 0

        def lay(unlesses: list[Compiled]) -> list[tuple[int, Compiled]]:
            """(bit of the `when`, the `unless`) of parts that sit next in `conditions`."""
            nonlocal at
            pairs = [(at + 2 * k, unless) for k, unless in enumerate(unlesses)]
            at += 2 * len(pairs)
            return pairs

        def in_force(pairs: list[tuple[int, Compiled]]) -> tuple[int, int]:
            whens = sum(1 << i for i, _ in pairs)
            unless = sum(1 << (i + 1) for i, unless in pairs if unless)
            return whens, unless

        rule_pairs = lay([c.unless for c in self.c_rules])
        self.rule_bits = in_force(rule_pairs)
        self.rule_at = {1 << i: c for (i, _), c in zip(rule_pairs, self.c_rules)}
        # The rules of each tier (their `when` bits): the engine sums and ranks each tier's
        # rules that fire once per combination of them (engine._part), not once per answer set.
        self.tier_bits = (sum(1 << i for (i, _), c in zip(rule_pairs, self.c_rules) if c.need),
                          sum(1 << i for (i, _), c in zip(rule_pairs, self.c_rules) if not c.need))
        orders = [c.order for c in self.c_rules if c.need], [c.order for c in self.c_rules if not c.need]
        self.need_rules_first = not orders[0] or not orders[1] or max(orders[0]) < min(orders[1])
        self.gate_at = {1 << (gate_first + k): g for k, (g, _) in enumerate(self.c_gates)}
        at = gate_first + len(self.c_gates)
        pairs = lay([unless for _, _, unless, _ in self.c_overrides])
        self.override_bits = in_force(pairs)
        self.override_at = [1 << i for i, _ in pairs]
        self.override_by_bit = dict(zip(self.override_at, self.c_overrides))
        pairs = lay([unless for _, _, unless in self.c_checks])
        self.check_bits = in_force(pairs)
        self.check_at = [1 << i for i, _ in pairs]
        self.type_at: dict[str, list[tuple[int, str]]] = {}
        type_pairs = []
        for kind in ("coaching", "mentoring"):
            pairs = lay([unless for _, _, unless in self.c_types[kind]])
            self.type_at[kind] = [(1 << i, t.type) for (i, _), (t, _, _) in
                                  zip(pairs, self.c_types[kind])]
            type_pairs += pairs
        self.type_bits = in_force(type_pairs)
        assert at == len(conditions)

    def holding(self, answers: Mapping[str, str]) -> int:
        """The bits of the conditions that hold for these (canonical, applicable) answers,
        reduced to those that can still matter once a gate holds: the key of `decided`."""
        key = self.conditions_holding(answers)
        if key & self.gate_bits:
            return key & self.gated_bits
        return key

    def conditions_holding(self, answers: Mapping[str, str]) -> int:
        """The bits of all the conditions that hold for these answers."""
        key = self.all_conditions
        for fid, table in self.condition_masks.items():
            key &= table[answers.get(fid)]
        return key

    @staticmethod
    def in_force(bits: int, parts: tuple[int, int]) -> int:
        """The `when` bits of the parts whose `when` holds and whose `unless` does not."""
        whens, unless = parts
        return bits & whens & ~((bits & unless) >> 1)

    # --- lookups -----------------------------------------------------------------------
    def match_value(self, field: str, raw: Any) -> str | None:
        """The canonical value for what was typed, or None if it matches no choice."""
        if isinstance(raw, bool):
            raw = "yes" if raw else "no"
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            raw = str(raw)
        if not isinstance(raw, str):
            return None
        found = self.value_lookup[field].get(fold(raw))
        text = words(raw) if found is None else ""
        if found is None and self.value_prefixes[field]:
            found = next((v for p, v in self.value_prefixes[field] if begins_with(text, p)), None)
        if found is None and self.value_suffixes[field]:
            found = next((v for s, v in self.value_suffixes[field] if ends_with(text, s)), None)
            if found is not None:
                # 'Senoir leader' ends with 'leader' but is a misspelt senior leader: a suffix
                # never outvotes a close spelling of another choice (that is refused, with it
                # suggested).
                from coachmentor.rulebase.suggest import nearest_value

                near = nearest_value(self, field, raw)
                if near is not None and near != found:
                    found = None
        if found is None and field in self.durations:
            found = duration_value(self.durations[field], raw)
        return found

    def reading(self, field: str, raw: Any) -> tuple[str, str, str | None]:
        """(kind, value, note): how the rule base reads what was typed for a question. The
        kind is one of READ, BLANK, NO_ANSWER, AMBIGUOUS, NOT_COVERED and UNREAD; the value
        is canonical for READ and AMBIGUOUS, else ''; the note is the rule base's, for
        AMBIGUOUS and NOT_COVERED. A question's own words come first: 'TBC' is time_frame's
        'open' before it is a word for no answer."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return BLANK, "", None
        key = fold(_straight(raw)) if isinstance(raw, str) else None
        if key is not None and key in self.ambiguous[field]:
            value, note = self.ambiguous[field][key]
            return AMBIGUOUS, value, note
        if key is not None and key in self.not_covered[field]:
            return NOT_COVERED, "", self.not_covered[field][key]
        found = self.match_value(field, raw)
        if found is not None:
            return READ, found, None
        if key is not None and key in self.no_answer:
            return NO_ANSWER, "", None
        return UNREAD, "", None

    def field_id(self, key: Any, where: str) -> str:
        """The field a key names (an id or a header alias), or an error listing the fields."""
        fid = self.header_lookup.get(fold(key)) if isinstance(key, str) else None
        if fid is None:
            from coachmentor.rulebase.suggest import did_you_mean, nearest_field

            known = ", ".join([*self.info_fields, *self.question_order])
            hint = did_you_mean(nearest_field(self, key)) if isinstance(key, str) else ""
            raise AnswersError(f"{where}: unknown field '{key}'{hint} (known fields: {known})")
        return fid

    def canonical_value(self, fid: str, value: Any, where: str) -> str | None:
        """A question's canonical value for what was supplied; None when it is empty."""
        kind, canonical, note = self.reading(fid, value)
        if kind in (BLANK, NO_ANSWER):
            return None
        if kind in (AMBIGUOUS, NOT_COVERED):
            # One answer for one person: a word that does not settle it is asked about, not
            # read with a warning as a batch row is.
            shown = "'" + (value if len(value) <= 40 else value[:37] + "...") + "'"
            what = f"does not settle it (it could be '{canonical}')" if canonical else "is not read"
            raise AnswersError(f"{where}: {fid}: {shown} {what}: {note} "
                               f"(expected one of: {', '.join(self.choice_values[fid])})")
        if kind == UNREAD:
            hint = ""
            if isinstance(value, (dict, list)):
                shown = "a list" if isinstance(value, list) else "a mapping"
            else:
                from coachmentor.rulebase.suggest import did_you_mean, nearest_value

                text = str(value)
                shown = "'" + (text if len(text) <= 40 else text[:37] + "...") + "'"
                hint = did_you_mean(nearest_value(self, fid, text))
            raise AnswersError(
                f"{where}: {fid}: {shown} is not an accepted value{hint} "
                f"(expected one of: {', '.join(self.choice_values[fid])})"
            )
        return canonical

    def citation_text(self, cite: Citation) -> str:
        doc = self.model.sources.get(cite.doc)
        if doc is None:
            return cite.doc
        who = ", ".join(x for x in (doc.author, doc.date) if x)
        return f"{doc.title} ({who})" if who else doc.title

    def is_not_sure(self, raw: str) -> bool:
        """Whether what was typed says "no answer" or "I do not know" (the rule base's
        `no_answer` words): the questionnaire skips an optional question for it."""
        return fold(_straight(raw)) in self.no_answer

    def applies(self, question: Question, answers: dict[str, str]) -> bool:
        """Whether the questionnaire asks `question` given `answers`: its `when` holds and its
        `skip_when` does not (the engine reads only `when`: see `engine.decide`)."""
        if question.skip_when and condition_holds(question.skip_when, answers):
            return False
        return question.when is None or condition_holds(question.when, answers)

    # --- cross references (load errors) ---------------------------------------------------
    def conditions(self) -> Iterator[tuple[tuple[str | int, ...], Any]]:
        """Every `when`/`unless` in the rule base, with where it stands."""
        m = self.model
        for i, q in enumerate(m.questions):
            yield ("questions", i, "when"), q.when
            yield ("questions", i, "skip_when"), q.skip_when
        for section in ("rules", "gates", "overrides", "checks"):
            for i, r in enumerate(getattr(m, section)):
                yield (section, i, "when"), r.when
                yield (section, i, "unless"), getattr(r, "unless", None)
        for kind in ("coaching", "mentoring"):
            for i, t in enumerate(getattr(m.types, kind)):
                yield ("types", kind, i, "when"), t.when
                yield ("types", kind, i, "unless"), t.unless
        for key, plan in m.plans.items():
            for i, item in enumerate(plan.items):
                yield ("plans", key, "items", i, "when"), item.when
                yield ("plans", key, "items", i, "unless"), item.unless

    def citations(self) -> Iterator[tuple[tuple[str | int, ...], Any]]:
        """Every citation in the rule base, with where it stands."""
        m = self.model
        for i, q in enumerate(m.questions):
            if q.source is not None:
                yield ("questions", i, "source"), q.source
        for section in ("rules", "gates", "overrides", "checks"):
            for i, r in enumerate(getattr(m, section)):
                yield (section, i, "source"), r.source
        for kind in ("coaching", "mentoring"):
            for i, t in enumerate(getattr(m.types, kind)):
                yield ("types", kind, i, "source"), t.source
        yield ("decision", "other_source"), m.decision.other_source
        yield from self._keyed_citations()
        yield from self._matching_citations()

    def _keyed_citations(self) -> Iterator[tuple[tuple[str | int, ...], Any]]:
        """The citations of options, alternatives and plans (sections keyed by name)."""
        m = self.model
        key: str  # options, alternatives and plans have keys of different types
        for key, opt in m.options.items():
            yield ("options", key, "source"), opt.source
            if opt.downside_source is not None:
                yield ("options", key, "downside_source"), opt.downside_source
        for key, alt in m.alternatives.items():
            yield ("alternatives", key, "source"), alt.source
        for key, plan in m.plans.items():
            for i, item in enumerate(plan.items):
                yield ("plans", key, "items", i, "source"), item.source

    def _matching_citations(self) -> Iterator[tuple[tuple[str | int, ...], Any]]:
        match = self.model.matching
        for key, pref in match:
            if getattr(pref, "weight", None) is not None and pref.source is not None:
                yield ("matching", key, "source"), pref.source
        if match.rules is not None:
            for key, rule in match.rules:
                yield ("matching", "rules", key, "source"), rule.source
        if match.own_school is not None:
            yield ("matching", "own_school", "source"), match.own_school.source
            if match.own_school.elsewhere_source is not None:
                yield ("matching", "own_school", "elsewhere_source"), match.own_school.elsewhere_source

    def reference_errors(self) -> list[tuple[Loc, str]]:
        """What the rule base refers to that is not there: questions, choices, source
        documents; follow-ups that depend on later questions; a header naming two fields."""
        problems: list[tuple[Loc, str]] = []
        for loc, condition in self.conditions():
            problems += self._condition_errors(loc, condition)
        for loc, citation in self.citations():
            if citation is not None and citation.doc not in self.model.sources:
                problems.append((loc + ("doc",), f"unknown source document '{citation.doc}' "
                                                  "(declare it under sources)"))
        problems += self._evidence_errors()
        problems += self._follow_up_errors()
        problems += self._header_errors()
        return problems

    def _condition_errors(self, loc: Loc, condition: dict[str, str | list[str]] | None,
                          ) -> list[tuple[Loc, str]]:
        problems: list[tuple[Loc, str]] = []
        for fid, want in (condition or {}).items():
            if fid not in self.questions:
                problems.append((loc + (fid,), f"unknown question '{fid}'"))
                continue
            for v in [want] if isinstance(want, str) else want:
                if v not in self.choice_values[fid]:
                    allowed = ", ".join(self.choice_values[fid])
                    problems.append(
                        (loc + (fid,), f"'{v}' is not a choice of {fid} (choices: {allowed})")
                    )
        return problems

    def _follow_up_errors(self) -> list[tuple[Loc, str]]:
        """A follow-up is asked in order: its `when` can only read answers already given."""
        problems: list[tuple[Loc, str]] = []
        for i, q in enumerate(self.model.questions):
            for key, fid in [("when", f) for f in q.when or {}] + [("skip_when", f) for f in q.skip_when or {}]:
                if fid in self.questions and self.position[fid] >= i:
                    problems.append((
                        ("questions", i, key, fid),
                        f"'{fid}' is not asked before '{q.id}' (a follow-up can only depend on "
                        "earlier questions)",
                    ))
        return problems

    def _header_errors(self) -> list[tuple[Loc, str]]:
        """A column header must name one field, never two."""
        m = self.model
        problems: list[tuple[Loc, str]] = []
        owner: dict[str, tuple[str, Loc]] = {}
        sections: list[tuple[str, int, InfoField | Question]] = [("fields", i, f) for i, f in enumerate(m.fields)]
        sections += [("questions", i, q) for i, q in enumerate(m.questions)]
        for section, i, item in sections:
            for j, word in enumerate([item.id, *item.aliases]):
                key = fold(word)
                first = owner.setdefault(key, (item.id, (section, i)))
                if first[0] != item.id:
                    loc = (section, i, "aliases", j - 1) if j else (section, i, "id")
                    problems.append((loc, f"header '{word}' would name both '{first[0]}' and '{item.id}'"))
        return problems

    def _evidence_errors(self) -> list[tuple[Loc, str]]:
        """A rule about the need gives no more points than its source's kind may (`evidence`):
        a provider's advocacy cannot set a need the way a definition does."""
        m = self.model
        out: list[tuple[Loc, str]] = []
        for i, r in enumerate(m.rules):
            doc = m.sources.get(r.source.doc)
            cap = m.evidence.get(doc.kind) if doc is not None and doc.kind else None
            top = max((abs(v) for v in r.points.values()), default=0.0)
            if r.tier == "need" and cap is not None and top > cap.need_points:
                out.append((("rules", i, "points"), (
                    f"'{r.id}' gives {top:g} points on {r.source.doc} ({doc.kind} evidence, "  # type: ignore[union-attr]
                    f"at most {cap.need_points:g} for a need: see `evidence`)")))
        return out


Compiled = tuple[tuple[str, frozenset[str]], ...]


def compile_condition(condition: dict[str, str | list[str]] | None) -> Compiled:
    if not condition:
        return ()
    return tuple(
        (fid, frozenset([want] if isinstance(want, str) else want)) for fid, want in condition.items()
    )


def holds(condition: Compiled, answers: Mapping[str, str]) -> bool:
    """All parts hold (an empty condition always holds); a missing answer never matches."""
    for fid, allowed in condition:  # noqa: SIM110 - hot: a loop beats all() over a generator
        if answers.get(fid) not in allowed:
            return False
    return True


@dataclass(frozen=True)
class CompiledRule:
    rule: Any
    when: Compiled
    unless: Compiled
    coaching: float
    mentoring: float
    source: str
    need: bool = False  # tier: need (never capped)
    about_need: bool = False  # reads the need the leader chose: its reason is always shown
    order: int = 0  # its place in the rule base (ties between reasons go to the earlier rule)
    reasons: dict[str, Any] = field(default_factory=dict, compare=False)  # engine's Reason cache


def condition_holds(condition: dict[str, str | list[str]], answers: dict[str, str]) -> bool:
    for fid, want in condition.items():
        have = answers.get(fid)
        if have is None:
            return False
        if isinstance(want, str):
            if have != want:
                return False
        elif have not in want:
            return False
    return True


def condition_blocks(condition: dict[str, str | list[str]] | None, answers: dict[str, str]) -> bool:
    """An `unless` blocks a rule only when every part of it holds."""
    return bool(condition) and condition_holds(condition, answers)  # type: ignore[arg-type]


def _straight(text: str) -> str:
    """Curly apostrophes as straight ones ("Don’t know" as typed on a phone or pasted)."""
    return text.replace("\u2019", "'")
