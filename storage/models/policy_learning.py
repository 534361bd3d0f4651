"""What the use of the policy answers teaches: questions left unanswered, votes on answers, a KS
coordinator's teachings and the choices askers made. Deliberately without user identity, but for the teacher."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, JsonDocument, UtcDateTime, now_on_insert, now_on_write
from storage.models.organisations import User

# A coordinator's question as the policy module normalised it. Bounded (not Text) so that its index stays
# within PostgreSQL's limit for one btree entry (about 2700 bytes) whatever the characters.
NORMALISED_QUESTION_MAX_LENGTH = 500


class UnansweredQuestion(Base):
    """A question the policy module could not answer, kept for KS förvaltning to review.

    Deliberately without any user identity: what is asked matters, not who asked it.
    """

    __tablename__ = "unanswered_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8))
    asked_at: Mapped[datetime] = now_on_insert(index=True)

    def __repr__(self) -> str:
        return f"UnansweredQuestion(id={self.id!r}, lang={self.lang!r})"


class AnswerFeedback(Base):
    """A 👍 or 👎 on one policy answer card, for KS förvaltning to see which answers fail.

    Deliberately without any user identity, like `UnansweredQuestion`. `answer_ref` is the random id Lotsen
    puts on the card: pressing the other button of the same card changes this vote instead of adding one.
    """

    __tablename__ = "answer_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer_ref: Mapped[str] = mapped_column(String(64), unique=True)
    question: Mapped[str] = mapped_column(Text)
    topic: Mapped[str | None] = mapped_column(String(64))
    lang: Mapped[str] = mapped_column(String(8))
    helpful: Mapped[bool] = mapped_column()
    created_at: Mapped[datetime] = now_on_insert(index=True)
    updated_at: Mapped[datetime] = now_on_write()

    def __repr__(self) -> str:
        return f"AnswerFeedback(id={self.id!r}, topic={self.topic!r}, helpful={self.helpful!r})"


class TaughtQuestion(Base):
    """A KS coordinator's teaching: questions normalised to `normalised` are about `topic`.

    Rows are only ever added, never updated or deleted: the newest row (highest id) of a `normalised` decides,
    and a row with `topic` None forgets the teaching. The table is its own history.
    """

    __tablename__ = "taught_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question: Mapped[str] = mapped_column(Text)  # as the coordinator wrote it
    normalised: Mapped[str] = mapped_column(String(NORMALISED_QUESTION_MAX_LENGTH), index=True)
    topic: Mapped[str | None] = mapped_column(String(64))  # None: forget this teaching
    taught_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    taught_at: Mapped[datetime] = now_on_insert(index=True)

    taught_by: Mapped[User | None] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"TaughtQuestion(id={self.id!r}, topic={self.topic!r})"


class Clarification(Base):
    """A question Lotsen was unsure about: the topics it offered, and which one the asker chose.

    Without user identity. `ref` is the random id on the card of choices; the first choice is kept.
    """

    __tablename__ = "clarifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    question: Mapped[str] = mapped_column(Text)
    offered: Mapped[list[str]] = mapped_column(JsonDocument, default=list)  # topic ids, in the order shown
    chosen: Mapped[str | None] = mapped_column(String(64))
    lang: Mapped[str] = mapped_column(String(8))
    asked_at: Mapped[datetime] = now_on_insert(index=True)
    chosen_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    def __repr__(self) -> str:
        return f"Clarification(id={self.id!r}, chosen={self.chosen!r})"
