"""Sharing: the owner gives other users Can view or Can edit on a secret, and takes it back."""
from __future__ import annotations

from peewee import fn

from . import events
from .accounts import acting_user, name_holds, to_info
from .errors import NotFound, ValidationError
from .models import Access, ApiSecret, User, db
from .permissions import OWNER_ONLY, find_secret, parse_id, parse_ids
from .records import CAN_EDIT, CAN_VIEW, Actor, UserInfo
from .validation import run_checks, validate_filter_text

MAX_FOUND = 500  # the Share picker asks for up to 500


def find_users(actor: Actor, text: str, limit: int = 10) -> list[UserInfo]:
    """Active users other than the actor whose username or display name contains `text`."""
    user = acting_user(actor)
    term = run_checks({'user': (lambda value: validate_filter_text(value, 'User'), text)})['user'].lower()
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise ValidationError({'user': 'The number of users to find must be a whole number'})
    limit = max(1, min(limit, MAX_FOUND))
    query = User.select().where((User.is_active == True) & (User.id != user.id))  # noqa: E712
    if term:
        query = query.where(name_holds(term))
    return [to_info(row) for row in query.order_by(fn.LOWER(User.display_name), User.id).limit(limit)]


def share(actor: Actor, secret_ids: list[int], grants: dict[int, bool]) -> None:
    """Give each user in `grants` access (True: Can edit) to every secret; the owner only; all or nothing."""
    owner = acting_user(actor)
    secrets = [find_secret(owner, secret_id, OWNER_ONLY)[0] for secret_id in parse_ids(secret_ids)]
    grants = parse_grants(grants)
    users = _grantees(owner, grants)
    with db.atomic():
        _lock(secret.id for secret in secrets)
        for secret in secrets:
            for grantee in users:
                _grant(actor, owner, secret, grantee, bool(grants[grantee.id]))


def set_access(actor: Actor, secret_id: int, grants: dict[int, bool]) -> None:
    """Make the secret's access exactly `grants`: add, change, and remove everyone not in it."""
    owner = acting_user(actor)
    secret, _ = find_secret(owner, secret_id, OWNER_ONLY)
    grants = parse_grants(grants)
    current = {row.user_id: row.can_edit for row in Access.select().where(Access.secret == secret.id)}
    # Only new or changed grants are checked: a user deactivated since keeps what they had.
    users = _grantees(owner, {user_id: can_edit for user_id, can_edit in grants.items()
                              if current.get(user_id) != can_edit})
    with db.atomic():
        _lock([secret.id])
        for row in Access.select(Access, User).join(User).where(Access.secret == secret.id):
            if row.user_id not in grants:
                _revoke(actor, owner, secret, row)
        for grantee in users:
            _grant(actor, owner, secret, grantee, bool(grants[grantee.id]))


def remove_access(actor: Actor, secret_id: int, user_id: int) -> None:
    """Take a user's access away (owner only)."""
    owner = acting_user(actor)
    secret, _ = find_secret(owner, secret_id, OWNER_ONLY)
    user_id = parse_id(user_id, 'User not found')
    row = Access.select(Access, User).join(User).where((Access.secret == secret.id) & (Access.user == user_id)).first()
    if row is not None:
        with db.atomic():
            _lock([secret.id])
            _revoke(actor, owner, secret, row)


def parse_grants(grants: object) -> dict[int, bool]:
    """{user id: can edit} as a browser may send it (ids as text, flags as booleans), or ValidationError."""
    if not isinstance(grants, dict):
        raise ValidationError({'user': 'Choose the users to share with'})
    parsed = {}
    for user_id, can_edit in grants.items():
        try:
            parsed[parse_id(user_id, 'User not found')] = can_edit
        except NotFound:
            raise ValidationError({'user': 'Choose active users only'}) from None
        if not isinstance(can_edit, bool):
            raise ValidationError({'user': 'Choose Can view or Can edit'})
    return parsed


def _grantees(owner: User, grants: dict[int, bool]) -> list[User]:
    ids = list(grants)
    if owner.id in ids:
        raise ValidationError({'user': 'The owner always has access'})
    users = list(User.select().where(User.id.in_(ids) & (User.is_active == True)))  # noqa: E712
    if len(users) != len(set(ids)):
        raise ValidationError({'user': 'Choose active users only'})
    return users


def _lock(secret_ids) -> None:
    """PostgreSQL: take the secrets' row locks, in id order, before any of their access rows is written. The triggers
    that keep each secret's Shared flag (share_flag) lock the secret after writing an access row; two sharings of
    the same secrets that did not lock them first, in the same order, could each wait for the other."""
    if db.obj.for_update:
        list(ApiSecret.select(ApiSecret.id).where(ApiSecret.id.in_(sorted(set(secret_ids))))
             .order_by(ApiSecret.id).for_update().tuples())


def _grant(actor: Actor, owner: User, secret: ApiSecret, grantee: User, can_edit: bool) -> None:
    row = Access.get_or_none((Access.secret == secret.id) & (Access.user == grantee.id))
    if row is not None and row.can_edit == can_edit:
        return
    if row is None:
        Access.create(secret=secret.id, user=grantee.id, can_edit=can_edit)
    else:
        Access.update(can_edit=can_edit).where(Access.id == row.id).execute()
    events.record(events.SHARING, actor, user=owner, item_type=events.API_SECRET, item_id=secret.id,
                  item_name=secret.name,
                  details=f'{grantee.username}: {CAN_EDIT if can_edit else CAN_VIEW}')


def _revoke(actor: Actor, owner: User, secret: ApiSecret, row: Access) -> None:
    Access.delete().where(Access.id == row.id).execute()
    events.record(events.UNSHARING, actor, user=owner, item_type=events.API_SECRET, item_id=secret.id,
                  item_name=secret.name,
                  details=row.user.username)
