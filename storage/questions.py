"""Questions Lotsen could not answer from the policy, for KS förvaltning to review (no user identity)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import UnansweredQuestion

# Long pastes are cut: the point is to see what people ask, not to archive documents.
MAX_QUESTION_LENGTH = 2000


async def record_unanswered_question(session: AsyncSession, text: str, lang: str) -> UnansweredQuestion:
    question = UnansweredQuestion(text=text[:MAX_QUESTION_LENGTH], lang=lang)
    session.add(question)
    await session.flush()
    return question


async def list_unanswered_questions(session: AsyncSession, limit: int = 100) -> list[UnansweredQuestion]:
    """The most recent first."""
    result = await session.execute(
        select(UnansweredQuestion).order_by(UnansweredQuestion.asked_at.desc(), UnansweredQuestion.id.desc()).limit(limit)
    )
    return list(result.scalars())
