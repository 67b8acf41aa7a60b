"""Who may do what to an API secret (SPEC section 3), decided from the database on every call."""
from __future__ import annotations

from peewee import JOIN, fn

from .compiled import Compiled
from .errors import Forbidden, NotFound, ValidationError
from .id_lists import selected_ids
from .models import Access, ApiSecret, User
from .records import CAN_EDIT, CAN_VIEW, OWNER

EVERYONE_WITH_ACCESS = (OWNER, CAN_EDIT, CAN_VIEW)
EDITORS = (OWNER, CAN_EDIT)
OWNER_ONLY = (OWNER,)
MANY = 5000  # from this many visible secrets on, a list walks the table in order rather than collecting them


def share_shows(share=Access):
    """The condition that a share (`Access`, or an alias of it joined to the secret) shows its secret: it lets the
    person edit it, or the secret is enabled; a disabled secret stays listed only for those who may enable it (SPEC
    section 3; `decide` says the same of one secret)."""
    return share.can_edit | (ApiSecret.enabled == True)  # noqa: E712


_SHARE_SHOWS = share_shows()


def visible_to(user: User, owners: bool = True, many: bool | None = None, found_first: bool = False):
    """The query of every API secret `user` may see: their own and those shared with them; with each secret's
    owner (`secret.owner`) unless `owners` is False (a count needs no user row). `many`: sees_many(user) when the
    caller has asked already. `found_first`: the caller's own condition finds the rows through an index (a text's
    matches), and whoever sees many has each found row checked, never a look-up of all their rows."""
    if sees_many(user) if many is None else many:
        # Most of the table: walk it in the order asked for (an index per sortable column, see migrations)
        # and keep the rows this user may see, one indexed probe each; a page stops after its 30 rows.
        shared = Access.select(Access.id).where((Access.secret == ApiSecret.id) & (Access.user == user.id) &
                                                _SHARE_SHOWS)
        # `owner_id + 0` is the same test that no index answers: PostgreSQL otherwise intersected a text's 13,000
        # matches with a bitmap of every visible secret's (600,000 own and 400,000 shared at a million: 25 ms).
        own = ((ApiSecret.owner + 0) if found_first else ApiSecret.owner) == user.id
        # Others' secrets that nobody was given (api_secret.shared, kept by triggers: share_flag) need no probe.
        condition = own | (ApiSecret.shared & fn.EXISTS(shared))
        query = ApiSecret.select(ApiSecret).where(condition)
        return with_owner(query) if owners else query
    # A few: a union of two indexed look-ups, gathered first (MATERIALIZED: the planner then sorts these few
    # rather than walking a whole index in the order asked for, hoping to meet them early).
    owned = ApiSecret.select(ApiSecret.id).where(ApiSecret.owner == user.id)
    shared = (Access.select(Access.secret).join(ApiSecret, on=(Access.secret == ApiSecret.id))
              .where((Access.user == user.id) & _SHARE_SHOWS))
    visible = (owned | shared).cte('visible', columns=('id',), materialized=True)
    query = ApiSecret.select(ApiSecret).join(visible, on=(ApiSecret.id == visible.c.id)).with_cte(visible)
    return with_owner(query) if owners else query


def with_owner(query):
    """The query of secrets with each one's owner (`secret.owner`) read in the same statement."""
    return query.select_extend(User).switch(ApiSecret).join(User, on=(ApiSecret.owner == User.id))


def first_visible_ids(user: User, descending: bool, count: int, enabled: bool | None = None) -> list[int]:
    """The first `count` ids of the secrets `user` may see (only the enabled or disabled ones, if `enabled` is
    given), in id order: two index ranges (their own through api_secret (owner_id, id), those shared with them
    through access (user_id, secret_id)) merged. Whoever sees many need not walk the rows of others the table
    holds between theirs."""
    direction = (lambda field: field.desc()) if descending else (lambda field: field.asc())
    state = True if enabled is None else (ApiSecret.enabled == enabled)
    own = selected_ids(ApiSecret.select(ApiSecret.id).where((ApiSecret.owner == user.id) & state)
                       .order_by(direction(ApiSecret.id)).limit(count))
    # The shares in the order of the access index, each secret's state read by a subquery per share: a join would
    # let the planner walk api_secret in id order instead, through every row of others before the first share.
    state_of = ApiSecret.select(ApiSecret.enabled).where(ApiSecret.id == Access.secret)
    if enabled is None:
        shows = Access.can_edit | (state_of == True)  # noqa: E712
    else:
        shows = (state_of == enabled) & (Access.can_edit if not enabled else True)
    shared = Access.select(Access.secret).where((Access.user == user.id) & shows)
    if own and len(own) == count:  # only the shares before the last of their own can be among the first
        shared = shared.where(Access.secret > own[-1] if descending else Access.secret < own[-1])
    ids = set(own) | set(selected_ids(shared.order_by(direction(Access.secret)).limit(count)))
    return sorted(ids, reverse=descending)[:count]


def sees_many(user: User) -> bool:
    """Whether the user may see at least MANY secrets (owned or shared), read from two index ranges that stop
    there: the cost is bounded whatever the table holds."""
    owned = ApiSecret.select(ApiSecret.id).where(ApiSecret.owner == user.id).limit(MANY).count()
    if owned >= MANY:
        return True
    return owned + Access.select(Access.id).where(Access.user == user.id).limit(MANY - owned).count() >= MANY


def find_secret(user: User, secret_id: int | str, allowed: tuple[str, ...] = EVERYONE_WITH_ACCESS
                ) -> tuple[ApiSecret, str]:
    """The secret and the user's permission on it, read in one query (the secret, its owner and the
    user's share of it).

    NotFound when it does not exist or the user has no access (the two are indistinguishable), and
    for a viewer of a disabled secret;
    Forbidden when the user may see it but their permission is not in `allowed`.
    """
    return decide(user, _SECRET.first(user.id, parse_id(secret_id)), allowed)


def with_share(user_id: int):
    """API secrets with their owner and `user_id`'s share of each (`.share`, whose id is None when there is
    none): what `decide` needs. Narrowed by the caller to one secret."""
    return (ApiSecret.select(ApiSecret, User, Access.id, Access.can_edit)
            .join(User, on=(ApiSecret.owner == User.id)).switch(ApiSecret)
            .join(Access, JOIN.LEFT_OUTER, on=(Access.secret == ApiSecret.id) & (Access.user == user_id),
                  attr='share'))


_SECRET = Compiled(lambda user_id, secret_id: with_share(user_id).where(ApiSecret.id == secret_id))


def decide(user: User, secret: ApiSecret | None, allowed: tuple[str, ...] = EVERYONE_WITH_ACCESS
           ) -> tuple[ApiSecret, str]:
    """find_secret's answer for a secret read by `with_share(user.id)` (None: no such secret)."""
    permission = _permission(user, secret, secret.share) if secret else None
    if permission is None or (permission == CAN_VIEW and not secret.enabled):
        raise NotFound()
    if permission not in allowed:
        raise Forbidden('You do not have permission to do this')
    return secret, permission


def parse_id(value: object, not_found: str = 'API secret not found') -> int:
    """A record id as people and URLs write it (ASCII digits), or NotFound(`not_found`) for anything else."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise NotFound(not_found)
    if isinstance(value, str) and not (value.isascii() and value.isdigit() and len(value) < 20):
        raise NotFound(not_found)
    number = int(value)
    if not 0 < number < 2**31:  # ids are 32-bit integers on every database we run on
        raise NotFound(not_found)
    return number


def parse_version(value: object) -> int:
    """The record version an edit was made on; ValidationError at 'version' when it is not one."""
    if isinstance(value, bool) or not isinstance(value, (int, str)) or (
            isinstance(value, str) and not (value.isascii() and value.isdigit() and len(value) < 20)):
        raise ValidationError({'version': 'The form did not send which version it edits; reload and edit again'})
    # A version beyond any the database holds matches no row: the edit is refused as a conflict.
    return min(int(value), 2**31 - 1)


def parse_ids(values: object) -> list[int]:
    """Distinct ids in their order; NotFound when any is not an id."""
    if isinstance(values, (str, bytes)) or not hasattr(values, '__iter__'):
        raise NotFound()
    return list(dict.fromkeys(parse_id(value) for value in values))  # type: ignore[union-attr]


def _permission(user: User, secret: ApiSecret, share: Access | None) -> str | None:
    """From the secret and the user's share of it (None, or a row whose id is None: not shared)."""
    return permission_of(user.id, secret.owner_id, None if share is None or share.id is None else share.can_edit)


def permission_of(user_id: int, owner_id: int, can_edit: bool | None) -> str | None:
    """The user's permission on a secret from its owner and the user's share of it (`can_edit` None: no share):
    None when they have none."""
    if owner_id == user_id:
        return OWNER
    if can_edit is None:
        return None
    return CAN_EDIT if can_edit else CAN_VIEW
