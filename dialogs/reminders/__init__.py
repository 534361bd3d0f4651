"""Reminders in the chat: "mina påminnelser", pausing and resuming, and the reminder card's buttons."""
