"""The plan fits the situation (issue 4, item 2), each item citing its source."""

from coachmentor.advice import build_advice


def _items(doc, option):
    return {i["heading"]: i for i in doc["plan"][option]["items"]}


def test_reverse_mentoring_plan_names_a_junior_mentor(shipped_rules):
    """School HR guidance: "reverse mentoring (where a more junior colleague mentors a senior
    leader)" — so the mentor is not "an experienced colleague who has done the role"."""
    doc = build_advice(shipped_rules, {"career_stage": "senior_leader", "focus": "reverse"})
    who = _items(doc, "mentoring")["Who could mentor"]
    assert "junior" in who["text"] and "reverse mentoring" in who["quote"]


def test_judgementoring_caution_only_when_someone_must_sign_off(shipped_rules):
    """Complete Introduction: mentors 'having to make judgements at key assessment points';
    the caution about judgementoring belongs to those plans only."""
    signing = build_advice(shipped_rules, {"career_stage": "early_career", "focus": "induction",
                                           "assessment_needed": "yes"})
    plain = build_advice(shipped_rules, {"career_stage": "middle_leader", "focus": "succession"})
    assert "judgementoring" in _items(signing, "mentoring")["Cautions"]["text"]
    assert "Cautions" not in _items(plain, "mentoring")
    assert "Preparing the mentor" in _items(plain, "mentoring")


def test_novice_cadence_is_the_induction_period_not_armats_monthly(shipped_rules):
    """Complete Introduction: "there must be no surprises for a trainee as they approach a key
    point"; Armat's monthly meetings (Maddox-Daines) are the example for an established leader."""
    ect = build_advice(shipped_rules, {"career_stage": "early_career", "focus": "induction"})
    leader = build_advice(shipped_rules, {"career_stage": "middle_leader", "focus": "career_direction",
                                          "time_frame": "long"})
    assert "no surprises" in _items(ect, "mentoring")["Duration and cadence"]["text"]
    assert "monthly" in _items(leader, "mentoring")["Duration and cadence"]["text"]


def test_every_plan_item_cites_a_source(shipped_rules):
    doc = build_advice(shipped_rules, {"career_stage": "early_career", "focus": "specific_practice"})
    assert doc["recommendation"] == "both"
    for option in ("coaching", "mentoring"):
        for item in doc["plan"][option]["items"]:
            assert item["source"] and item["quote"]
