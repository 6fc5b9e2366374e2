"""The record's tables: plain SQL tables a school can open in any SQLite browser (datasette,
DB Browser) or query on its trust's PostgreSQL. Alembic creates and migrates them
(`record/migrations`); these classes are the same tables for the code.

What is deliberately not here: readiness or conduct concerns, health detail, induction
judgements, appraisal or pay outcomes (no column can hold them: every free-text column is
either a goal, private to the pair, or a check-in note that a school must turn on), and no
conversation content in the audit (it names fields, never values).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Constraint names fixed, so that migrations can refer to them on every database.
NAMING = {"ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
          "ck": "ck_%(table_name)s_%(constraint_name)s",
          "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
          "pk": "pk_%(table_name)s"}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Person(Base):
    """Someone supported or supporting. `name` is optional (the sheets show it to the pair);
    `delete_after` is when `record purge` removes them and everything about them."""

    __tablename__ = "person"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    school: Mapped[str | None] = mapped_column(String(200))
    department: Mapped[str | None] = mapped_column(String(200))
    stage: Mapped[str | None] = mapped_column(String(30))  # career_stage, as the rule base has it
    supporter: Mapped[str | None] = mapped_column(String(20))  # offers: coaching, mentoring, both
    capacity: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    delete_after: Mapped[dt.date | None] = mapped_column(Date)


class Relationship(Base):
    """One supporter giving one kind of support to one member of staff in one school year."""

    __tablename__ = "relationship"
    __table_args__ = (
        UniqueConstraint("staff_person_id", "support", "year", name="uq_relationship_need"),
        CheckConstraint("staff_person_id <> supporter_person_id", name="not_self"),
        CheckConstraint("support IN ('coaching', 'mentoring')", name="support"),
        CheckConstraint("status IN ('unmatched', 'proposed', 'active', 'paused', 'completed', "
                        "'ended_early')", name="status"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                                 index=True)
    supporter_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True)
    year: Mapped[str] = mapped_column(String(9))  # school year: 2025-26
    support: Mapped[str] = mapped_column(String(20))  # the role this relationship fills
    recommended: Mapped[str | None] = mapped_column(String(20))  # coaching, mentoring, both
    recommended_type: Mapped[str | None] = mapped_column(String(40))
    decided_by: Mapped[str | None] = mapped_column(String(20))  # assessed | leader
    delivered: Mapped[str | None] = mapped_column(String(20))  # as delivered (the sheet)
    delivered_type: Mapped[str | None] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(20))  # match | list
    source_run: Mapped[str | None] = mapped_column(String(80))  # sha256 of the PAIRS file
    rules_hash: Mapped[str | None] = mapped_column(String(80))
    focus: Mapped[str | None] = mapped_column(String(40))
    cadence: Mapped[str | None] = mapped_column(String(20))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    planned_end: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    end_reason: Mapped[str | None] = mapped_column(String(30))
    ended_on: Mapped[dt.date | None] = mapped_column(Date)


class Goal(Base):
    """One of a relationship's 1-3 goals. `text` and `success` are the pair's own: never in a
    report unless `shared`."""

    __tablename__ = "goal"
    __table_args__ = (UniqueConstraint("relationship_id", "number", name="uq_goal_number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    relationship_id: Mapped[int] = mapped_column(
        ForeignKey("relationship.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    success: Mapped[str | None] = mapped_column(Text)
    target_date: Mapped[dt.date | None] = mapped_column(Date)
    shared: Mapped[bool] = mapped_column(Boolean, default=False)


class CheckIn(Base):
    __tablename__ = "check_in"
    __table_args__ = (UniqueConstraint("relationship_id", "on_date", name="uq_check_in_date"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    relationship_id: Mapped[int] = mapped_column(
        ForeignKey("relationship.id", ondelete="CASCADE"), index=True)
    on_date: Mapped[dt.date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(20))  # held | cancelled | moved
    minutes: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)  # only when the school turned notes on


class Review(Base):
    """The agreement, the mid-point and the end (one of each): the same 1-5 self-rating at
    each, usefulness, change in practice seen, the decision, and progress per goal."""

    __tablename__ = "review"
    __table_args__ = (
        UniqueConstraint("relationship_id", "stage", name="uq_review_stage"),
        CheckConstraint("stage IN ('agreement', 'mid_point', 'end')", name="stage"),
        CheckConstraint("self_rating BETWEEN 1 AND 5", name="self_rating"),
        CheckConstraint("usefulness BETWEEN 1 AND 5", name="usefulness"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    relationship_id: Mapped[int] = mapped_column(
        ForeignKey("relationship.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(20))
    held_on: Mapped[dt.date] = mapped_column(Date)
    self_rating: Mapped[int | None] = mapped_column(Integer)
    usefulness: Mapped[int | None] = mapped_column(Integer)
    practice_change: Mapped[str | None] = mapped_column(String(20))
    decision: Mapped[str | None] = mapped_column(String(20))
    confidentiality_agreed: Mapped[bool | None] = mapped_column(Boolean)


class StatutoryReview(Base):
    """An early career teacher's statutory progress review or assessment: its date and
    nothing else (induction judgements are never stored)."""

    __tablename__ = "statutory_review"
    __table_args__ = (UniqueConstraint("relationship_id", "held_on", name="uq_statutory_date"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    relationship_id: Mapped[int] = mapped_column(
        ForeignKey("relationship.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date)


class GoalProgress(Base):
    __tablename__ = "goal_progress"
    __table_args__ = (UniqueConstraint("review_id", "goal_number", name="uq_goal_progress"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"),
                                           index=True)
    goal_number: Mapped[int] = mapped_column(Integer)
    progress: Mapped[str] = mapped_column(String(20))


class Audit(Base):
    """Who changed what and when: the table, the row and the names of the fields, never
    their values."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(100))
    command: Mapped[str] = mapped_column(String(40))
    table_name: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))  # insert | update | delete
    fields: Mapped[str | None] = mapped_column(Text)  # comma-separated names


class Setting(Base):
    """The school's choices: `notes` (check-in notes allowed: off unless turned on)."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


TABLES = ("person", "relationship", "goal", "check_in", "review", "goal_progress",
          "statutory_review", "audit", "setting")
