"""The audit trail: events are only ever appended."""
from __future__ import annotations

from .compiled import Compiled, compilable
from .models import Event, User, utcnow
from .records import Actor
from .validation import text_or_empty

NEW, CHANGE, VIEW, REVEAL, COPY = 'New', 'Change', 'View', 'Reveal', 'Copy'
SHARING, UNSHARING, DISABLING, ACTIVATION = 'Sharing', 'Unsharing', 'Disabling', 'Activation'
LOGIN, LOGIN_FAILED, LOGOUT = 'Login', 'Login failed', 'Logout'
TWO_FACTOR_ENABLED, TWO_FACTOR_DISABLED = 'Two-factor enabled', 'Two-factor disabled'
TWO_FACTOR_RESET, RECOVERY_CODE_USED = 'Two-factor reset', 'Recovery code used'
API_SECRET, USER, ACCESS_KEY = 'API secret', 'User', 'Access key'
ACTIONS = (NEW, CHANGE, VIEW, REVEAL, COPY, SHARING, UNSHARING, DISABLING, ACTIVATION, LOGIN, LOGIN_FAILED, LOGOUT,
           TWO_FACTOR_ENABLED, TWO_FACTOR_DISABLED, TWO_FACTOR_RESET, RECOVERY_CODE_USED)
ITEM_TYPES = (API_SECRET, USER, ACCESS_KEY)


def record(action: str, actor: Actor | None = None, **fields) -> None:
    """Append one event (the fields are `appending`'s)."""
    appending(action, actor, **fields).execute()


def appending(action: str, actor: Actor | None = None, *, user: User | None = None, username: str = '',
              item_type: str = '', item_id: int | None = None, item_name: str = '', details: str = '', ip: str = '',
              user_agent: str = ''):
    """The query that appends one event. `user` is the acting user's row when known, `username` what was typed;
    `item_name` is the item's name at the time, `details` what was read or changed."""
    # What the server supplies (address, browser) is stored as it can be: a NUL would stop PostgreSQL.
    values = (utcnow(), user.id if user else None, text_or_empty(user.username if user else username)[:255], action,
              item_type, item_id, text_or_empty(item_name)[:255], text_or_empty(details)[:255],
              text_or_empty(actor.ip if actor else ip)[:64],
              text_or_empty(actor.user_agent if actor else user_agent)[:512])
    if compilable(values):  # a user's event about an item, such as every read through the API
        return _APPEND.statement(*values)
    return _insert(*values)


def _insert(at, user_id, username, action, item_type, item_id, item_name, details, ip, user_agent):
    return Event.insert(at=at, user=user_id, username=username, action=action, item_type=item_type, item_id=item_id,
                        item_name=item_name, details=details, ip=ip, user_agent=user_agent)


_APPEND = Compiled(_insert)
