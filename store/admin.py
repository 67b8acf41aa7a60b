"""User administration (administrators only). Being an administrator grants no access to secrets."""
from __future__ import annotations

from peewee import fn

from . import events
from .accounts import acting_user, clean_new_user, end_sessions, insert_user, to_info
from .errors import Forbidden, NotFound, ValidationError
from .models import User, db, utcnow
from .passwords import hash_password
from .permissions import parse_id
from .records import Actor, UserInfo
from .validation import validate_new_password


def list_users(actor: Actor) -> list[UserInfo]:
    _require_admin(actor)
    return [to_info(user) for user in User.select().order_by(fn.LOWER(User.username))]


def add_user(actor: Actor, username: str, display_name: str, password: str, is_admin: bool = False) -> UserInfo:
    """Create a user; ValidationError with a message per bad field."""
    admin = _require_admin(actor)
    cleaned = clean_new_user(username, display_name, password, None)
    if not isinstance(is_admin, bool):
        raise ValidationError({'is_admin': 'Choose whether the user is an administrator'})
    password_hash = hash_password(cleaned['password'])
    with db.atomic():
        user = insert_user(cleaned, password_hash, is_admin=is_admin)
        events.record(events.NEW, actor, user=admin, item_type=events.USER, item_id=user.id, item_name=user.username)
    return to_info(user)


def reset_password(actor: Actor, user_id: int, password: str) -> None:
    admin = _require_admin(actor)
    try:
        validate_new_password(password)
    except ValueError as exc:
        raise ValidationError({'password': str(exc)}) from None
    user = _user(user_id)
    password_hash = hash_password(password)
    with db.atomic():
        # The user's open sessions end, and their next log-in says who reset it and asks for a new password.
        User.update(password_hash=password_hash, must_change_password=True, password_reset_by=admin.username,
                    password_reset_at=utcnow()).where(User.id == user.id).execute()
        end_sessions(user.id)
        events.record(events.CHANGE, actor, user=admin, item_type=events.USER, item_id=user.id,
                      item_name=user.username,
                      details='Password reset')


def set_user_active(actor: Actor, user_id: int, active: bool) -> None:
    """Deactivate or activate a user; the last active administrator cannot be deactivated.

    A deactivated user cannot log in, and their open sessions end at their next action because
    every service checks the acting user first.
    """
    admin = _require_admin(actor)
    user = _user(user_id)
    if not isinstance(active, bool):
        raise ValidationError({'user': 'Choose Deactivate or Activate'})
    with db.atomic():
        if not active and user.is_admin and user.is_active:
            admins = User.select(User.id).where((User.is_admin == True) & (User.is_active == True))  # noqa: E712
            if db.obj.for_update:
                admins = admins.for_update()  # two admins deactivating each other at once: one waits
            if not [row for row in admins if row.id != user.id]:
                raise ValidationError({'user': 'The last active administrator cannot be deactivated'})
        User.update(is_active=active).where(User.id == user.id).execute()
        end_sessions(user.id)  # sessions from before a deactivation stay ended after a reactivation
        events.record(events.ACTIVATION if active else events.DISABLING, actor, user=admin, item_type=events.USER,
                      item_id=user.id, item_name=user.username)


def _require_admin(actor: Actor) -> User:
    user = acting_user(actor)
    if not user.is_admin:
        raise Forbidden('Only administrators can manage users')
    return user


def _user(user_id: int) -> User:
    user = User.get_or_none(User.id == parse_id(user_id, 'User not found'))
    if user is None:
        raise NotFound('User not found')
    return user
