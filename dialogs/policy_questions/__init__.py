"""Policy questions: the answer cards, the consultation that asks for missing facts, what the conversation remembers,
and teaching Lotsen new wordings."""
