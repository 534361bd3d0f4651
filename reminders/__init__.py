"""Proactive reminders: the rules as data (`data/rules.yaml`, `rules.py`), Malmö's working calendar
(`calendar.py`), planning which reminders the rules ask for (`planner.py`), and — apart from these — the
scheduler that claims due reminders (`scheduler.py`), the notice outbox (`outbox.py`) and the background rounds
both run in (`background.py`); their delivery through Teams is in `bot/`.

May import `storage/` and `policy/`; never botbuilder, `bot/` or `dialogs/` (delivery reaches Teams through
what the app hands the scheduler).
"""
