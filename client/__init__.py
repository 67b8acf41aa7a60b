"""Clients of a running MySafe server (`python main.py get`): HTTP only, never the store."""
