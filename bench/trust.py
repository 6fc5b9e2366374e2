"""Test material for `coachmentor match`: a three-school trust as a CPD lead has it.

    python bench/trust.py OUTDIR [--seed 1]

writes OUTDIR/staff.csv, OUTDIR/supporters.csv and OUTDIR/last_year.csv (last year's pairs, for
--keep). Everything is made up. The trust:

- Oakfield Primary (EYFS, KS1, KS2 staff), Hillcrest High School (a secondary) and Riverside
  Academy (all-through: its staff say their phase in a `Phase` column, or only by key stage);
- 60 staff who need support (trainees, early career teachers, established teachers, middle and
  senior leaders; a succession need; an executive coaching need), a few who need something else
  first and a few rows a person would have to fix (stage TBC);
- 25 supporters with line managers and assessors among them, subjects, trained flags (yes, no,
  blank), capacities (one of them 0), and trust-central supporters with no school ('', N/A,
  TBC); among them the people a CPD lead would not accept in some roles (an early career
  teacher offering mentoring, an untrained art teacher offering coaching, a secondary science
  middle leader with room to spare);
- last year's pairs, stale as such lists are: people who left, needs that changed, supporters
  who left, pairs that now break a hard rule, duplicates, ids typed `s301` or ` S301 `.

The data is messy on purpose (case, spaces, pay-scale words, N/A, TBC), as exports are. The
same seed gives the same files, byte for byte.
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

OAK, HILL, RIVER = "Oakfield Primary", "Hillcrest High School", "Riverside Academy"

# staff_id, name, offers, career_stage, capacity, school, subject, phase, trained, specialisms
SUPPORTERS = [
    ("S201", "Sam Patel", "mentoring", "KS1 Lead", "2", OAK, "KS1", "", "yes", "induction"),
    ("S202", "Nina Rowe", "mentoring", "Teacher", "1", OAK, "EYFS", "", "no", "induction"),
    ("S203", "Helen Shaw", "both", "Headteacher", "1", OAK, "", "", "yes", "leadership;executive"),
    ("S204", "Leo Grant", "both", "UPS", "1", OAK, "KS2", "", "", ""),
    ("S205", "Maya Bell", "mentoring", "ECT", "1", OAK, "KS2", "", "no", ""),
    ("S206", "Iris Cole", "mentoring", "established", "1", OAK, "Year 4", "", "yes", "induction"),
    ("S301", "Dan Price", "both", "Head of Science", "3", HILL, "Science", "", "yes",
     "induction;instructional"),
    ("S302", "Rita Lane", "coaching", "Experienced Teacher", "2", HILL, "Art", "", "no", ""),
    ("S303", "Omar Hayes", "mentoring", "Head of English", "2", HILL, "English", "", "yes",
     "induction;transition"),
    ("S304", "Zoe Hunt", "coaching", "Middle Leader", "1", HILL, "Maths", "", "yes",
     "instructional;performance"),
    ("S305", "Ken Moss", "both", "Deputy Head", "2", HILL, "", "", "yes",
     "leadership;succession"),
    ("S306", "Ada Frost", "coaching", "Assistant Head", "0", HILL, "History", "", "yes",
     "executive"),
    ("S307", "Ben Ward", "mentoring", "main scale", "1", HILL, "PE", "", "no", ""),
    ("S308", "Cy Long", "mentoring", "NQT", "1", HILL, "Science", "", "", ""),
    ("S309", "Eve Stone", "coaching", "Head of MFL", "1", HILL, "MFL", "", "yes", "performance"),
    ("S401", "Fay Dunn", "mentoring", "Phase Leader", "2", RIVER, "KS2", "Primary", "yes",
     "induction"),
    ("S402", "Gil Marsh", "mentoring", "Teacher", "1", RIVER, "Maths", "Secondary", "yes",
     "induction"),
    ("S403", "Hana Webb", "both", "Principal", "1", RIVER, "", "All-through", "yes",
     "succession;executive"),
    ("S404", "Ian Ross", "coaching", "Experienced", "1", RIVER, "History", "Secondary", "yes",
     "instructional"),
    ("S405", "Jo Park", "coaching", "Teacher", "1", RIVER, "Geography", "Secondary", "no", ""),
    ("S406", "Kai Fox", "coaching", "Assistant Headteacher", "1", RIVER, "", "All-through",
     "yes", "leadership"),
    ("C01", "Lara Finch", "mentoring", "Middle Leader", "4", "", "", "", "yes", "induction"),
    ("C02", "Max Reid", "coaching", "Senior Leader", "2", "N/A", "", "", "yes",
     "executive;leadership"),
    ("C03", "Nat Kerr", "mentoring", "established", "2", "Trust central", "", "", "no", ""),
    ("C04", "Pip Moon", "coaching", "Middle Leader", "1", "TBC", "", "", "", "performance"),
]

# staff_id, name, career_stage, focus, school, subject, phase, line manager, assessors,
# recommendation (the lead's own, or '' to assess from the answers), type
STAFF = [
    # Oakfield Primary: EYFS, KS1 and KS2
    ("T101", "Amy Lowe", "Trainee", "induction", OAK, "EYFS", "", "S201", "S201", "", ""),
    ("T102", "Bea Nash", "PGCE", "induction", OAK, "KS1", "", "s201 ", "S201", "", ""),
    ("T103", "Cal Reed", "School Direct", "induction", OAK, "KS2", "", "S204", "S204", "", ""),
    ("E111", "Dee Lamb", "ECT", "induction", OAK, "EYFS", "", "S201", "S201", "", ""),
    ("E112", "Eli Hart", "ECT Year 2", "induction", OAK, "Reception", "", "S201", "S201", "", ""),
    ("E113", "Fin Gray", "NQT", "induction", OAK, "KS1", "", "S203", "S206", "", ""),
    ("E114", "Gus Hale", "ECT1", "induction", OAK, "KS1", "", "S203", "S206", "", ""),
    ("E115", "Hal Penn", "ECT", "induction", OAK, "KS2", "", "S204", "S204", "", ""),
    ("E116", "Ivy Tate", "Early Career Teacher", "induction", OAK, "Year 6", "", "S204", "", "",
     ""),
    ("P121", "Jay Rich", "UPS", "specific_practice", OAK, "KS2", "", "S204", "", "coaching",
     "instructional"),
    ("P122", "Kim Vale", "Teacher", "behaviour", OAK, "KS1", "", "S201", "", "coaching",
     "instructional"),
    ("P123", "Lou Ames", "M6", "wellbeing", OAK, "EYFS", "", "S201", "", "", ""),
    ("P124", "Mo Dyer", "Main Scale", "career", OAK, "KS2", "", "S203", "", "coaching", "career"),
    ("P125", "Ned Pike", "Teacher", "new_role", OAK, "KS2", "", "S203", "", "mentoring",
     "transition"),
    ("M131", "Oli Ash", "KS2 Lead", "leadership_challenge", OAK, "KS2", "", "S203", "",
     "coaching", "leadership"),
    ("M132", "Pam Birch", "SENCO", "interpersonal", OAK, "", "", "S203", "", "", ""),
    ("L141", "Quin Cross", "Deputy Head", "strategic_perspective", OAK, "", "", "S203", "",
     "coaching", "executive"),
    ("L142", "Ray Dale", "Assistant Head", "succession", OAK, "", "", "S203", "", "mentoring",
     "succession"),
    # Hillcrest High School
    ("T201", "Sal Eade", "Trainee Teacher", "induction", HILL, "Science", "", "S301", "S301", "",
     ""),
    ("T202", "Tia Ford", "SCITT", "induction", HILL, "English", "", "S303", "S303", "", ""),
    ("T203", "Uma Gill", "Trainee", "induction", HILL, "Art", "", "S302", "S302", "", ""),
    ("E211", "Vic Hill", "ECT", "induction", HILL, "Maths", "", "S304", "S304", "", ""),
    ("E212", "Wes Ince", "NQT", "induction", HILL, "Science", "", "S301", "S301", "", ""),
    ("E213", "Xia Jay", "ECT2", "induction", HILL, "English", "", "S303", "S303", "", ""),
    ("E214", "Yas Kirk", "ECT", "induction", HILL, "PE", "", "S307", "S307", "", ""),
    ("E215", "Zac Lyle", "RQT", "induction", HILL, "History", "", "S306", "S306", "", ""),
    ("P221", "Abe Mann", "Teacher", "specific_practice", HILL, "Maths", "", "S304", "", "coaching",
     "instructional"),
    ("P222", "Bo Nye", "Classroom Teacher", "questioning", HILL, "Science", "", "S301", "", "", ""),
    ("P223", "Cy Orr", "UPS", "career", HILL, "English", "", "S303", "", "coaching", "career"),
    ("P224", "Di Page", "Teacher", "monitoring_concern", HILL, "History", "", "S306", "",
     "mentoring", ""),
    ("P225", "Ed Quay", "MPS", "conflict", HILL, "PE", "", "S307", "", "coaching", "behavioural"),
    ("P226", "Flo Rae", "Experienced Teacher", "wellbeing", HILL, "Art", "", "S302", "", "", ""),
    ("P227", "Gil Sims", "Teacher", "new_role", HILL, "MFL", "", "S309", "", "mentoring",
     "transition"),
    ("P228", "Hu Tran", "Teacher", "specific_practice", HILL, "Geography", "", "S305", "",
     "coaching", "instructional"),
    ("M231", "Ida Urch", "Head of Maths", "leadership_challenge", HILL, "Maths", "", "S305", "",
     "coaching", "leadership"),
    ("M232", "Jon Vick", "Head of Year", "interpersonal", HILL, "PE", "", "S305", "", "", ""),
    ("M233", "Kat Wells", "Second in English", "new_role", HILL, "English", "", "S303", "",
     "mentoring", "transition"),
    ("M234", "Lex Yale", "Head of Geography", "career", HILL, "Geography", "", "S305", "",
     "both", "career"),
    ("L241", "Mia Zane", "Deputy Headteacher", "strategic_perspective", HILL, "", "", "S305", "",
     "coaching", "executive"),
    ("L242", "Ned Abel", "Assistant Head", "succession", HILL, "", "", "s305", "", "mentoring",
     "succession"),
    ("L243", "Ola Best", "SLT", "leadership_challenge", HILL, "", "", "S305", "", "coaching",
     "leadership"),
    # Riverside Academy (all-through)
    ("T301", "Pia Carr", "Trainee", "induction", RIVER, "KS2", "Primary", "S401", "S401", "", ""),
    ("T302", "Ro Dean", "PGCE", "induction", RIVER, "Science", "Secondary", "S403", "S402", "",
     ""),
    ("E311", "Sky Eng", "ECT", "induction", RIVER, "KS1", "Primary", "S401", "S401", "", ""),
    ("E312", "Tom Fry", "ECT", "induction", RIVER, "Maths", "Secondary", "S402", "S402", "", ""),
    ("E313", "Una Gold", "NQT", "induction", RIVER, "History", "Secondary", "S404", "S404", "",
     ""),
    ("E314", "Val Hood", "ECT", "induction", RIVER, "EYFS", "", "S401", "S401", "", ""),
    ("P321", "Wyn Ives", "Teacher", "specific_practice", RIVER, "History", "Secondary", "S404", "",
     "coaching", "instructional"),
    ("P322", "Xan Judd", "Experienced", "career", RIVER, "KS2", "Primary", "S401", "", "coaching",
     "career"),
    ("P323", "Yul Kemp", "UPS", "inclusion", RIVER, "Maths", "Secondary", "S402", "", "mentoring",
     "inclusion"),
    ("P324", "Zia Lord", "Teacher", "wellbeing", RIVER, "Geography", "Secondary", "S405", "", "",
     ""),
    ("P325", "Al Mace", "Teacher", "specific_practice", RIVER, "Art", "Secondary", "S403", "",
     "coaching", "instructional"),
    ("P326", "Bri Noon", "Main Scale", "new_role", RIVER, "KS1", "Primary", "S401", "",
     "mentoring", "transition"),
    ("M331", "Col Oak", "Head of History", "leadership_challenge", RIVER, "History", "Secondary",
     "s403", "", "coaching", "leadership"),
    ("M332", "Dot Pye", "Phase Leader", "new_role", RIVER, "KS2", "Primary", "S403", "",
     "mentoring", "transition"),
    ("M333", "Eb Quill", "Head of Maths", "succession", RIVER, "Maths", "Secondary", "S403", "",
     "mentoring", "succession"),
    ("L341", "Fen Rowe", "Vice Principal", "strategic_perspective", RIVER, "", "All-through",
     "S403", "", "coaching", "executive"),
    ("L342", "Gay Sone", "Assistant Principal", "succession", RIVER, "", "All-through", "S403",
     "", "mentoring", "succession"),
    # supporters who need support themselves
    ("S308", "Cy Long", "NQT", "induction", HILL, "Science", "", "S301", "S301", "", ""),
    ("S302", "Rita Lane", "Experienced Teacher", "career", HILL, "Art", "", "S305", "", "coaching",
     "career"),
    ("S205", "Maya Bell", "ECT", "induction", OAK, "KS2", "", "S204", "S204", "", ""),
    # need something else first, or cannot be read
    ("P190", "Hue Tay", "Teacher", "wellbeing", OAK, "KS1", "", "S201", "", "other", ""),
    ("P290", "Ike Ude", "TBC", "induction", HILL, "Maths", "", "S304", "", "", ""),
    ("P390", "Jem Vos", "N/A", "specific_practice", RIVER, "Art", "Secondary", "S403", "", "", ""),
]

# staff_id, supporter_id, support: last year's pairs, as they were typed
LAST_YEAR = [
    ("T101", "S201", "mentoring"),     # still holds
    ("e111", " S202", "Mentoring"),   # still holds (ids and case as typed)
    ("E112", "S201", "mentoring"),     # still holds; S201 now has two kept
    ("E113", "S205", "mentoring"),     # an ECT mentoring an ECT: breaks a hard rule now
    ("T103", "S205", "mentor"),        # an ECT mentoring a trainee
    ("E212", "S301", "mentoring"),     # same school, same subject: holds
    ("E212", "S301", "mentoring"),     # the same pair again
    ("e212 ", "s301", ""),              # and again, typed differently
    ("E114", "S301", "mentoring"),     # a secondary mentor for a KS1 ECT: cross-phase
    ("L241", "S302", "coaching"),      # an untrained coach for a senior leader
    ("P221", "S304", "coaching"),      # the coach is now their line manager
    ("P999", "S303", "mentoring"),     # left the trust
    ("T202", "S399", "mentoring"),     # the supporter left
    ("M233", "S303", "coaching"),      # their need is mentoring now
    ("P190", "S201", "mentoring"),     # needs something else first now
    ("L242", "S305", "mentoring"),     # succession: holds
    ("L242", "S403", "mentoring"),     # a second mentor for the same need
    ("P122", "C02", "coaching"),       # holds
    ("P124", "C04", "coaching"),       # holds
    ("P222", "C04", "coaching"),       # C04 has one place and it is taken above
    ("", "S401", "mentoring"),         # a half-typed row
]


def write_trust(folder: Path, seed: int = 1) -> tuple[Path, Path, Path]:
    """Write the three files into `folder`; returns (staff, supporters, last_year)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    staff, sups, last = folder / "staff.csv", folder / "supporters.csv", folder / "last_year.csv"
    with sups.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(["Staff ID", "Name", "Offers", "Career Stage", "Capacity", "School", "Subject",
                    "Phase", "Trained", "Specialisms"])
        for row in SUPPORTERS:
            cells = list(row)
            cells[2] = rng.choice([cells[2], cells[2].capitalize()])
            cells[5] = cells[5] + rng.choice(["", "", " "])
            w.writerow(cells)
    with staff.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(["Staff ID", "Name", "Career Stage", "Focus", "New to role", "Time frame",
                    "Reflective capacity", "Preference", "Open to coaching", "School", "Subject",
                    "Phase", "Line Manager", "Assessor IDs", "Recommendation", "Mentoring type",
                    "Coaching type"])
        for (sid, name, stage, focus, school, subject, phase, lm, assessors, rec,
             kind) in STAFF:
            novice = focus == "induction"
            w.writerow([
                sid, name, stage, focus.replace("_", " ").title(),
                "yes" if novice or focus in ("new_role", "succession") else rng.choice(["no", "N"]),
                "long" if novice else rng.choice(["short", "long", "TBC"]),
                "low" if novice else rng.choice(["moderate", "high", "Good"]),
                "advice" if novice else rng.choice(["own_answers", "Either", "advice"]),
                "unsure" if novice else rng.choice(["yes", "Y", "unsure"]),
                school + rng.choice(["", "", " "]) if rng.random() < 0.9 else school.upper(),
                subject, phase, lm, assessors, rec,
                kind if rec in ("mentoring", "both") else "",
                kind if rec in ("coaching", "both") else ""])
    with last.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(["staff_id", "supporter_id", "support"])
        w.writerows(LAST_YEAR)
    return staff, sups, last


# --- what a CPD lead would reject: worked out from the tables above, not from `match` --------

STAGE_OF = {  # the career stage each text above stands for, as the lead reads it
    "trainee": "trainee", "pgce": "trainee", "school direct": "trainee",
    "trainee teacher": "trainee", "scitt": "trainee",
    "ect": "early_career", "ect year 2": "early_career", "nqt": "early_career",
    "ect1": "early_career", "ect2": "early_career", "rqt": "early_career",
    "early career teacher": "early_career",
    "ups": "established", "teacher": "established", "main scale": "established",
    "mps": "established", "m6": "established", "classroom teacher": "established", "established": "established",
    "experienced teacher": "established", "experienced": "established",
    "ks1 lead": "middle_leader", "head of science": "middle_leader",
    "head of english": "middle_leader", "middle leader": "middle_leader",
    "head of mfl": "middle_leader", "phase leader": "middle_leader", "ks2 lead": "middle_leader",
    "senco": "middle_leader", "head of maths": "middle_leader", "head of year": "middle_leader",
    "second in english": "middle_leader", "head of geography": "middle_leader",
    "head of history": "middle_leader",
    "headteacher": "senior_leader", "deputy head": "senior_leader",
    "assistant head": "senior_leader", "principal": "senior_leader",
    "assistant headteacher": "senior_leader", "senior leader": "senior_leader",
    "deputy headteacher": "senior_leader", "slt": "senior_leader",
    "vice principal": "senior_leader", "assistant principal": "senior_leader",
}
ORDER = ["trainee", "early_career", "established", "middle_leader", "senior_leader"]
PRIMARY_SUBJECTS = {"eyfs", "reception", "ks1", "ks2", "year 4", "year 6"}


def _phase(school: str, subject: str, phase: str) -> str:
    if phase:
        return phase.lower()
    if subject.lower() in PRIMARY_SUBJECTS or school == OAK:
        return "primary"
    return {HILL: "secondary", RIVER: "all-through"}.get(school, "")


def objections(pairs: list[dict[str, str]]) -> list[tuple[str, str, str, str, bool]]:
    """(staff_id, supporter_id, support, what the lead objects to, never acceptable) for each
    matched pair of a `match` output a CPD lead would send back; a pair with a non-empty `flag`
    (when the output has that column) is acceptable for the objections that are not hard."""
    sups = {s[0]: s for s in SUPPORTERS}
    staff = {s[0]: s for s in STAFF}
    out = []
    for p in pairs:
        if p.get("status") != "matched":
            continue
        sid, jid, role = p["staff_id"].strip().upper(), p["supporter_id"].strip().upper(), \
            p["support"]
        me, sup = staff[sid], sups[jid]
        stage, sstage = STAGE_OF[me[2].lower()], STAGE_OF[sup[3].lower()]
        novice = role == "mentoring" and stage in ("trainee", "early_career")
        phase, sphase = _phase(me[4], me[5], me[6]), _phase(sup[5], sup[6], sup[7])
        found: list[tuple[str, bool]] = []
        if novice and ORDER.index(sstage) < ORDER.index("established"):
            found.append((f"a {stage} mentored by a {sstage}", True))
        if novice and phase and sphase and "all-through" not in (phase, sphase) and \
                phase != sphase:
            found.append((f"{phase} novice mentored across phase ({sphase})", True))
        if role == "coaching" and stage == "senior_leader" and sup[8] != "yes":
            found.append(("a senior leader coached by an untrained coach", True))
        if role == "coaching" and jid in {me[7].strip().upper(),
                                          *(a.strip().upper() for a in me[8].split(";"))}:
            found.append(("coached by their line manager or assessor", True))
        if jid == sid:
            found.append(("supports themselves", True))
        if novice and sup[5] != me[4]:
            found.append((f"induction mentor from {sup[5] or 'no school'}", False))
        if role == "coaching" and sup[8] != "yes":
            found.append(("an untrained coach", False))
        if p.get("score") and float(p["score"]) < 0.5:
            found.append((f"score {p['score']}", False))
        flagged = bool((p.get("flag") or "").strip())
        out.extend((sid, jid, role, why, hard) for why, hard in found if hard or not flagged)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--check", type=Path, metavar="PAIRS_CSV",
                    help="list the pairs of this match output a CPD lead would reject instead")
    args = ap.parse_args()
    if args.check:
        with args.check.open(encoding="utf-8-sig", newline="") as fh:
            found = objections(list(csv.DictReader(fh)))
        for sid, jid, role, why, hard in found:
            print(f"{sid} {role} by {jid}: {why}{' (a hard rule)' if hard else ''}")
        print(f"{len(found)} objection(s)")
        return
    for path in write_trust(args.folder, args.seed):
        print(path)


if __name__ == "__main__":
    main()
