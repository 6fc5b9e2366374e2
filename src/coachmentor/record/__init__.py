"""`coachmentor record`: the year's support, from the decision to whether it worked.

A small database the school owns (SQLite by default, PostgreSQL for a trust): who supports
whom, the agreement, check-ins, reviews, goals, and an audit of changes without content.
Supporters fill in spreadsheets (`sheet`, `import`); leaders get counts, dates and ratings
(`status`, `report`), never conversation content. The CLI (`cli/record.py`) is a thin layer.
"""
