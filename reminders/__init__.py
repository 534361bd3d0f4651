"""Proactive reminders: the rules as data (`data/rules.yaml`, `rules.py`), Malmö's working calendar
(`calendar.py`), planning which reminders the rules ask for (`planner.py`), and — apart from these — the
scheduler that claims due reminders and the delivery through Teams.

May import `storage/` and `policy/`; never botbuilder, `bot/` or `dialogs/` (delivery reaches Teams through
what the app hands the scheduler).
"""
