"""The audit trail: events are only ever appended."""
from __future__ import annotations

from .models import Event, User
from .records import Actor

NEW, CHANGE, VIEW, REVEAL, COPY = 'New', 'Change', 'View', 'Reveal', 'Copy'
SHARING, UNSHARING, DISABLING, ACTIVATION = 'Sharing', 'Unsharing', 'Disabling', 'Activation'
LOGIN, LOGIN_FAILED, LOGOUT = 'Login', 'Login failed', 'Logout'
API_SECRET, USER, ACCESS_KEY = 'API secret', 'User', 'Access key'
ACTIONS = (NEW, CHANGE, VIEW, REVEAL, COPY, SHARING, UNSHARING, DISABLING, ACTIVATION, LOGIN, LOGIN_FAILED, LOGOUT)
ITEM_TYPES = (API_SECRET, USER, ACCESS_KEY)


def record(action: str, actor: Actor | None = None, *, user: User | None = None, username: str = '',
           item_type: str = '', item_id: int | None = None, item_name: str = '', details: str = '', ip: str = '',
           user_agent: str = '') -> None:
    """Append one event. `user` is the acting user's row when known, `username` what was typed;
    `item_name` is the item's name at the time, `details` what was read or changed."""
    Event.create(
        user=user, username=(user.username if user else username)[:255], action=action,
        item_type=item_type, item_id=item_id, item_name=item_name[:255], details=details[:255],
        ip=(actor.ip if actor else ip)[:64], user_agent=(actor.user_agent if actor else user_agent)[:512],
    )
