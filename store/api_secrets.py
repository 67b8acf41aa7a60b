"""API secret services. Every function takes the acting user and enforces SPEC section 3.

A secret the actor may not see raises NotFound, exactly like one that does not exist.
"""
from __future__ import annotations

from peewee import JOIN, IntegrityError, fn

from . import events, runtime
from .accounts import acting_user
from .errors import Forbidden, NotFound, SecretDisabled, ValidationError
from .models import Access, ApiSecret, User, db, utcnow
from .records import (CAN_EDIT, CAN_VIEW, OWNER, AccessEntry, Actor, ApiSecretDetails, ApiSecretInput,
                      ApiSecretSummary, Page)
from .validation import clean_api_secret

TABLE = 'api_secret'
DUPLICATE_IDENTIFIER = 'You already have an API secret with this Identifier'
SORTS = {
    'id': ApiSecret.id, 'name': ApiSecret.name, 'url': ApiSecret.url, 'owner': User.display_name,
    'last_use': ApiSecret.last_used_at, 'status': ApiSecret.enabled,
}
COPYABLE_FIELDS = {'client_secret': 'Client secret', 'client_id': 'Client ID'}


def list_api_secrets(actor: Actor, *, page: int = 1, per_page: int = 30, sort: str = 'name',
                     descending: bool = False, search: str = '', only_enabled: bool = False) -> Page:
    """One page of the secrets the actor may see, sorted and filtered in the database."""
    user = acting_user(actor)
    query = _visible(user)
    if only_enabled:
        query = query.where(ApiSecret.enabled == True)  # noqa: E712
    if search.strip():
        term = f'%{search.strip().lower()}%'
        query = query.where(fn.LOWER(ApiSecret.name).contains(term.strip('%')) |
                            fn.LOWER(ApiSecret.url).contains(term.strip('%')) |
                            fn.LOWER(ApiSecret.tags).contains(term.strip('%')))
    total = query.count()
    column = SORTS.get(sort, ApiSecret.name)
    order = [column.desc(nulls='LAST') if descending else column.asc(nulls='LAST'), ApiSecret.id]
    page = max(1, page)
    rows = query.order_by(*order).paginate(page, per_page)
    shared = _shared_ids([row.id for row in rows])
    items = [_summary(row, user, row.id in shared) for row in rows]
    return Page(items=items, total=total, page=page, per_page=per_page)


def get_api_secret(actor: Actor, secret_id: int) -> ApiSecretDetails:
    """The details the actor may see (never the client secret); records a View event."""
    user = acting_user(actor)
    secret, permission = _find(user, secret_id)
    events.record(events.VIEW, actor, user=user, item_type=events.API_SECRET, item_id=secret.id,
                  item_name=secret.name)
    return _details(secret, permission)


def reveal_client_secret(actor: Actor, secret_id: int) -> str:
    """Decrypt the client secret for the actor; sets Last use and appends a Reveal event."""
    user = acting_user(actor)
    secret, _ = _find(user, secret_id)
    if not secret.enabled:
        raise SecretDisabled()
    plaintext = _decrypt_client_secret(secret)
    _mark_used(secret, user, actor, events.REVEAL, 'Client secret')
    return plaintext


def record_copy(actor: Actor, secret_id: int, field: str) -> None:
    """Record that the actor copied a field to the clipboard (sets Last use, appends a Copy event)."""
    if field not in COPYABLE_FIELDS:
        raise ValueError(f'Unknown field {field!r}')
    user = acting_user(actor)
    secret, _ = _find(user, secret_id)
    if not secret.enabled:
        raise SecretDisabled()
    _mark_used(secret, user, actor, events.COPY, COPYABLE_FIELDS[field])


def create_api_secret(actor: Actor, data: ApiSecretInput) -> int:
    """Validate and store a new API secret owned by the actor; returns its ID."""
    user = acting_user(actor)
    cleaned = clean_api_secret(data)
    _check_identifier_free(user, cleaned['identifier'])
    keyring = runtime.keyring()
    try:
        with db.atomic():
            secret = ApiSecret.create(
                owner=user, name=cleaned['name'], url=cleaned['url'], client_id=cleaned['client_id'],
                identifier=cleaned['identifier'], method=cleaned['method'], tags='\n'.join(cleaned['tags']),
                notes=cleaned['notes'], created_by=user, updated_by=user, key_id=keyring.key_id)
            data_key, secret.wrapped_data_key = keyring.new_data_key(TABLE, secret.id)
            if cleaned['client_secret']:
                secret.client_secret = keyring.encrypt(data_key, cleaned['client_secret'], TABLE, secret.id,
                                                       'client_secret')
            secret.save()
            events.record(events.NEW, actor, user=user, item_type=events.API_SECRET, item_id=secret.id,
                          item_name=secret.name)
    except IntegrityError:
        raise ValidationError({'identifier': DUPLICATE_IDENTIFIER}) from None
    return secret.id


def access_list(actor: Actor, secret_id: int) -> list[AccessEntry]:
    """The owner and everyone with access to the secret, as the actor may see them."""
    user = acting_user(actor)
    secret, _ = _find(user, secret_id)
    owner = secret.owner
    entries = [AccessEntry(owner.id, owner.username, owner.display_name, OWNER)]
    rows = (Access.select(Access, User).join(User).where(Access.secret == secret.id)
            .order_by(fn.LOWER(User.display_name), User.id))
    entries += [AccessEntry(row.user.id, row.user.username, row.user.display_name,
                            CAN_EDIT if row.can_edit else CAN_VIEW) for row in rows]
    return entries


# --- helpers -----------------------------------------------------------------------------------

def _visible(user: User):
    shared_with_user = Access.select(Access.secret).where(Access.user == user.id)
    return (ApiSecret.select(ApiSecret, User).join(User, on=(ApiSecret.owner == User.id))
            .where((ApiSecret.owner == user.id) | ApiSecret.id.in_(shared_with_user)))


def _find(user: User, secret_id: int) -> tuple[ApiSecret, str]:
    """The secret and the actor's permission on it, or NotFound for both 'missing' and 'not allowed'."""
    try:
        secret_id = int(secret_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    secret = (ApiSecret.select(ApiSecret, User).join(User, on=(ApiSecret.owner == User.id))
              .where(ApiSecret.id == secret_id).first())
    permission = _permission(user, secret) if secret else None
    if permission is None:
        raise NotFound()
    return secret, permission


def _permission(user: User, secret: ApiSecret) -> str | None:
    if secret.owner_id == user.id:
        return OWNER
    row = Access.get_or_none((Access.secret == secret.id) & (Access.user == user.id))
    if row is None:
        return None
    return CAN_EDIT if row.can_edit else CAN_VIEW


def require_permission(user: User, secret_id: int, allowed: tuple[str, ...]) -> tuple[ApiSecret, str]:
    """Like _find, but also refuses (Forbidden) a permission not in `allowed`."""
    secret, permission = _find(user, secret_id)
    if permission not in allowed:
        raise Forbidden('You do not have permission to do this')
    return secret, permission


def _decrypt_client_secret(secret: ApiSecret) -> str:
    if secret.client_secret is None:
        return ''
    keyring = runtime.keyring()
    data_key = keyring.unwrap(bytes(secret.wrapped_data_key), TABLE, secret.id)
    return keyring.decrypt(data_key, bytes(secret.client_secret), TABLE, secret.id, 'client_secret')


def _mark_used(secret: ApiSecret, user: User, actor: Actor, action: str, field_label: str) -> None:
    with db.atomic():
        ApiSecret.update(last_used_at=utcnow()).where(ApiSecret.id == secret.id).execute()
        events.record(action, actor, user=user, item_type=events.API_SECRET, item_id=secret.id,
                      item_name=f'{secret.name} ({field_label})')


def _check_identifier_free(owner: User, identifier: str | None, exclude_id: int | None = None) -> None:
    if identifier is None:
        return
    query = ApiSecret.select().where((ApiSecret.owner == owner.id) & (ApiSecret.identifier == identifier))
    if exclude_id is not None:
        query = query.where(ApiSecret.id != exclude_id)
    if query.exists():
        raise ValidationError({'identifier': DUPLICATE_IDENTIFIER})


def _shared_ids(secret_ids: list[int]) -> set[int]:
    if not secret_ids:
        return set()
    return {row.secret_id for row in Access.select(Access.secret).where(Access.secret.in_(secret_ids)).distinct()}


def _tags(secret: ApiSecret) -> list[str]:
    return [tag for tag in (secret.tags or '').split('\n') if tag]


def _summary(secret: ApiSecret, user: User, shared: bool) -> ApiSecretSummary:
    permission = OWNER if secret.owner_id == user.id else None
    return ApiSecretSummary(id=secret.id, name=secret.name, url=secret.url, tags=_tags(secret), shared=shared,
                            owner=secret.owner.display_name, last_used_at=secret.last_used_at,
                            enabled=secret.enabled, permission=permission or '')


def _details(secret: ApiSecret, permission: str) -> ApiSecretDetails:
    shared = Access.select().where(Access.secret == secret.id).exists()
    return ApiSecretDetails(
        id=secret.id, name=secret.name, owner=secret.owner.display_name, last_used_at=secret.last_used_at,
        url=secret.url, identifier=secret.identifier or '', client_id=secret.client_id, method=secret.method,
        tags=_tags(secret), notes=secret.notes, enabled=secret.enabled, shared=shared, permission=permission,
        has_client_secret=secret.client_secret is not None, created_at=secret.created_at,
        created_by=_name_of(secret.created_by_id), updated_at=secret.updated_at,
        updated_by=_name_of(secret.updated_by_id), version=secret.version)


def _name_of(user_id: int | None) -> str:
    if user_id is None:
        return ''
    user = User.get_or_none(User.id == user_id)
    return user.display_name if user else ''
