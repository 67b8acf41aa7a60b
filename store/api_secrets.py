"""API secret services. Every function takes the acting user and enforces SPEC section 3.

A secret the actor may not see raises NotFound, exactly like one that does not exist.
"""
from __future__ import annotations

import logging

from peewee import IntegrityError, fn

from . import events, runtime
from .accounts import acting_user, password_confirmed
from .errors import UNREADABLE_SECRET, ConflictError, DecryptionError, PasswordRequired, SecretDisabled, ValidationError
# The list lives there.
from .listing import export_api_secrets_csv, list_api_secrets, tags_of, write_api_secrets_csv  # noqa: F401
from .compiled import Compiled
from .models import LAST_USE_STEP, Access, ApiSecret, User, db, last_use_due, utcnow
from .permissions import EDITORS, find_secret, parse_ids, parse_version
from .records import CAN_EDIT, CAN_VIEW, OWNER, AccessEntry, Actor, ApiSecretDetails, ApiSecretInput
from .secret_values import TABLE, decrypt_value, keep_in_history, new_client_secret, readable_value
from .validation import clean_api_secret

DUPLICATE_IDENTIFIER = 'You already have an API secret with this Identifier'
COPYABLE_FIELDS = {'client_secret': 'Client secret', 'client_id': 'Client ID'}
CANNOT_BE_DECRYPTED = 'cannot be decrypted'  # appended to the Details of the Reveal event that found it so
log = logging.getLogger('mysafe.store')


def get_api_secret(actor: Actor, secret_id: int, *, record_view: bool = True) -> ApiSecretDetails:
    """The details the actor may see (never the client secret).

    A person opening the details page is a View event; `record_view=False` is for reading them again on
    the same visit (a redraw, the edit form, the home's shortcut), which records nothing.
    """
    user = acting_user(actor)
    secret, permission = find_secret(user, secret_id)
    if record_view:
        events.record(events.VIEW, actor, user=user, item_type=events.API_SECRET, item_id=secret.id,
                      item_name=secret.name)
    return _details(secret, permission)


def reveal_client_secret(actor: Actor, secret_id: int) -> str:
    """Decrypt the client secret for the actor; sets Last use and appends a Reveal event.

    DecryptionError (UNREADABLE_SECRET) when the stored value does not decrypt: nothing is shown, and a
    Reveal event says the Client secret cannot be decrypted.
    """
    user = acting_user(actor)
    secret, _ = find_secret(user, secret_id)
    check_usable(secret, user, actor)
    try:
        plaintext = decrypt_value(secret, secret.client_secret, TABLE, secret.id)
    except DecryptionError as error:
        raise unreadable(secret, user, actor, 'Client secret', error) from None
    mark_used(secret, user, actor, events.REVEAL, 'Client secret')
    return plaintext


def record_copy(actor: Actor, secret_id: int, field: str) -> None:
    """Record that the actor copied a field to the clipboard (sets Last use, appends a Copy event)."""
    if not isinstance(field, str) or field not in COPYABLE_FIELDS:
        raise ValidationError({'field': f'Only {" or ".join(COPYABLE_FIELDS.values())} can be copied'})
    user = acting_user(actor)
    secret, _ = find_secret(user, secret_id)
    check_usable(secret, user, actor)
    mark_used(secret, user, actor, events.COPY, COPYABLE_FIELDS[field])


def create_api_secret(actor: Actor, data: ApiSecretInput) -> int:
    """Validate and store a new API secret owned by the actor; returns its ID."""
    user = acting_user(actor)
    cleaned = clean_api_secret(data)
    _check_identifier_free(user.id, cleaned['identifier'])
    keyring = runtime.keyring()
    try:
        with db.atomic():
            secret = ApiSecret.create(
                owner=user, created_by=user, updated_by=user, secret_set_by=user, key_id=keyring.key_id,
                **_columns(cleaned))
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


def update_api_secret(actor: Actor, secret_id: int, data: ApiSecretInput, expected_version: int) -> None:
    """Save an edit made on version `expected_version`; an empty client secret keeps the current one.

    ConflictError when someone saved in between (nothing is written); the earlier client secret is
    kept, encrypted, in the information history. A current client secret that cannot be decrypted can
    still be replaced: it goes to the history as it is, marked unreadable.
    """
    user = acting_user(actor)
    secret, permission = find_secret(user, secret_id, EDITORS)
    cleaned = clean_api_secret(data)
    expected_version = parse_version(expected_version)
    if cleaned['ask_password'] != secret.ask_password and permission != OWNER:
        raise ValidationError({'ask_password': 'Only the owner can change whether revealing asks for a password'})
    _check_identifier_free(secret.owner_id, cleaned['identifier'], exclude_id=secret.id)
    now = utcnow()
    changes = {**_columns(cleaned), 'updated_at': now, 'updated_by': user.id, 'version': secret.version + 1}
    try:
        with db.atomic():
            if cleaned['client_secret'] and cleaned['client_secret'] != readable_value(secret):
                keep_in_history(secret, user, now)
                changes.update(new_client_secret(secret, cleaned['client_secret']), secret_set_at=now,
                               secret_set_by=user.id)
            updated = (ApiSecret.update(**changes)
                       .where((ApiSecret.id == secret.id) & (ApiSecret.version == expected_version)).execute())
            if updated != 1:
                raise conflict_error(secret.id)
            events.record(events.CHANGE, actor, user=user, item_type=events.API_SECRET, item_id=secret.id,
                          item_name=cleaned['name'])
    except IntegrityError:
        raise ValidationError({'identifier': DUPLICATE_IDENTIFIER}) from None


def set_enabled(actor: Actor, secret_ids: list[int], enabled: bool) -> int:
    """Disable or enable each secret (owner or editor); all or nothing. Returns how many changed."""
    user = acting_user(actor)
    secrets = [find_secret(user, secret_id, EDITORS)[0] for secret_id in parse_ids(secret_ids)]
    if not isinstance(enabled, bool):
        raise ValidationError({'enabled': 'Choose Disable or Enable'})
    action = events.ACTIVATION if enabled else events.DISABLING
    changed = 0
    with db.atomic():
        for secret in secrets:
            if secret.enabled == enabled:
                continue
            ApiSecret.update(enabled=enabled, updated_at=utcnow(), updated_by=user.id,
                             version=ApiSecret.version + 1).where(ApiSecret.id == secret.id).execute()
            events.record(action, actor, user=user, item_type=events.API_SECRET, item_id=secret.id,
                          item_name=secret.name)
            changed += 1
    return changed


def access_list(actor: Actor, secret_id: int) -> list[AccessEntry]:
    """The owner and everyone with access to the secret, as the actor may see them."""
    user = acting_user(actor)
    secret, _ = find_secret(user, secret_id)
    owner = secret.owner
    entries = [AccessEntry(owner.id, owner.username, owner.display_name, OWNER)]
    rows = (Access.select(Access, User).join(User).where(Access.secret == secret.id)
            .order_by(fn.LOWER(User.display_name), User.id))
    entries += [AccessEntry(row.user.id, row.user.username, row.user.display_name,
                            CAN_EDIT if row.can_edit else CAN_VIEW) for row in rows]
    return entries


# --- shared with the history and sharing services ---------------------------------------------

def check_usable(secret: ApiSecret, user: User, actor: Actor) -> None:
    """A secret can be revealed or copied only while enabled, and, when it asks for it, within 5 minutes
    of the user confirming their password in this session."""
    if not secret.enabled:
        raise SecretDisabled()
    if secret.ask_password and not password_confirmed(user, actor):
        raise PasswordRequired()


def unreadable(secret: ApiSecret, user: User, actor: Actor, label: str, error: DecryptionError) -> DecryptionError:
    """Record that a reveal found `label` undecryptable (a Reveal event saying so; Last use unchanged),
    log which row, and return the error people see."""
    log.warning('API secret %s: %s', secret.id, error)  # names the table, row and field; never a value
    events.record(events.REVEAL, actor, user=user, item_type=events.API_SECRET, item_id=secret.id,
                  item_name=secret.name, details=f'{label}: {CANNOT_BE_DECRYPTED}')
    return DecryptionError(UNREADABLE_SECRET)


def mark_used(secret: ApiSecret, user: User, actor: Actor, action: str, field_label: str, also=()) -> None:
    """Set Last use (to the second: models.last_use_due) and append the event (and run the write queries
    `also`), committed together."""
    now = utcnow()
    runtime.write_together(_LAST_USE.statement(secret.id, now, now - LAST_USE_STEP),
                           events.appending(action, actor, user=user, item_type=events.API_SECRET, item_id=secret.id,
                                            item_name=secret.name, details=field_label), *also)


_LAST_USE = Compiled(lambda secret_id, now, cutoff: ApiSecret.update(last_used_at=now).where(
    (ApiSecret.id == secret_id) & last_use_due(ApiSecret.last_used_at, cutoff)))


def conflict_error(secret_id: int) -> ConflictError:
    current = ApiSecret.get_by_id(secret_id)
    who = name_of(current.updated_by_id) or 'someone'
    return ConflictError(f'{who} changed this API secret at {current.updated_at:%Y-%m-%d %H:%M:%S} UTC, '
                         'after you opened it. Your changes were not saved: reload to see theirs, then edit again.')


# --- helpers -----------------------------------------------------------------------------------

def _columns(cleaned: dict) -> dict:
    return {'name': cleaned['name'], 'url': cleaned['url'], 'client_id': cleaned['client_id'],
            'identifier': cleaned['identifier'], 'method': cleaned['method'], 'tags': '\n'.join(cleaned['tags']),
            'notes': cleaned['notes'], 'ask_password': cleaned['ask_password']}


def _check_identifier_free(owner_id: int, identifier: str | None, exclude_id: int | None = None) -> None:
    if identifier is None:
        return
    query = ApiSecret.select().where((ApiSecret.owner == owner_id) & (ApiSecret.identifier == identifier))
    if exclude_id is not None:
        query = query.where(ApiSecret.id != exclude_id)
    if query.exists():
        raise ValidationError({'identifier': DUPLICATE_IDENTIFIER})


def _details(secret: ApiSecret, permission: str) -> ApiSecretDetails:
    shared = bool(secret.shared)  # kept by the access triggers (share_flag), as the list reads it
    return ApiSecretDetails(
        id=secret.id, name=secret.name, owner=secret.owner.display_name, last_used_at=secret.last_used_at,
        url=secret.url, identifier=secret.identifier or '', client_id=secret.client_id, method=secret.method,
        tags=tags_of(secret), notes=secret.notes, enabled=secret.enabled, shared=shared, permission=permission,
        has_client_secret=secret.client_secret is not None, ask_password=secret.ask_password,
        created_at=secret.created_at,
        created_by=name_of(secret.created_by_id), updated_at=secret.updated_at,
        updated_by=name_of(secret.updated_by_id), version=secret.version)


def name_of(user_id: int | None) -> str:
    if user_id is None:
        return ''
    user = User.get_or_none(User.id == user_id)
    return user.display_name if user else ''
