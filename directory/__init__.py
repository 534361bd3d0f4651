"""Placing users in their nämnd or bolag from the directory (Entra ID, read through Microsoft Graph).

No botbuilder here: the bot calls `DirectoryPlacer.place` when it meets a user (bot/conversation_tracking.py).
"""
