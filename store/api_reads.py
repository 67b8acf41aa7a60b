"""What a program reads with an access key (SPEC section 7): read-only, and only the API secrets chosen for
the key that its owner can still see, decided on every request by the pages' permission code
(permissions.visible_to / find_secret with the owner's row).

Each entry point authenticates the token first (access_keys.authenticate_key), so one call is one request.
A client-secret read is three statements besides its writes: the key with its owner, the secret when it is
chosen for the key and visible to the owner (with the owner's share of it), then Last use, the Reveal event
and the key's last use in one short transaction, committed before the value is returned.
"""
from __future__ import annotations

from peewee import fn

from . import events
from .access_keys import authenticate_key, touch, touching
from .api_secrets import mark_used
from .errors import Forbidden, SecretDisabled, ValidationError
from .compiled import Compiled
from .listing import tags_of
from .models import AccessKey, AccessKeySecret, ApiSecret, User
from .permissions import decide, parse_id, visible_to, with_share
from .records import Actor, ApiItem, Page
from .secret_values import TABLE, decrypt_value
from .validation import run_checks, validate_filter_text

MAX_PER_PAGE = 500
ASKS_PASSWORD = 'This API secret asks for a password before revealing: a program cannot confirm one'


def list_secrets(token: str | None, client_ip: str, user_agent: str = '', *, identifier: str | None = None,
                 page: int = 1, per_page: int = 30) -> Page:
    """One page (by ID) of the key's secrets its owner can see, optionally those with this Identifier."""
    numbers = (page, per_page)
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers) or page < 1 \
            or not 1 <= per_page <= MAX_PER_PAGE:
        raise ValidationError({'page': f'page must be at least 1 and per_page from 1 to {MAX_PER_PAGE}'})
    if identifier is not None:
        identifier = run_checks({'identifier': (lambda value: validate_filter_text(value, 'identifier'),
                                                identifier)})['identifier']
    key, owner = authenticate_key(token, client_ip, user_agent)
    query = visible_to(owner).where(ApiSecret.id.in_(_chosen(key)))
    if identifier is not None:
        query = query.where(ApiSecret.identifier == identifier)
    total = query.count()
    rows = list(query.order_by(ApiSecret.id).paginate(page, per_page))
    touch(key, client_ip)
    return Page(items=[_item(row) for row in rows], total=total, page=page, per_page=per_page)


def get_secret(token: str | None, client_ip: str, user_agent: str, secret_id: object) -> ApiItem:
    """One of the key's secrets (never its client secret); NotFound outside the key's scope."""
    key, owner = authenticate_key(token, client_ip, user_agent)
    secret = _find(key, owner, secret_id)
    touch(key, client_ip)
    return _item(secret)


def read_client_secret(token: str | None, client_ip: str, user_agent: str, secret_id: object) -> str:
    """The client secret, recorded as a Reveal 'via access key NAME' by the key's owner; sets the secret's
    Last use and the key's. SecretDisabled for a disabled secret; Forbidden when it asks for a password."""
    key, owner = authenticate_key(token, client_ip, user_agent)
    secret = _find(key, owner, secret_id)
    if not secret.enabled:
        raise SecretDisabled()
    if secret.ask_password:
        raise Forbidden(ASKS_PASSWORD)
    plaintext = decrypt_value(secret, secret.client_secret, TABLE, secret.id)
    mark_used(secret, owner, Actor(owner.id, ip=client_ip, user_agent=user_agent), events.REVEAL,
              f'via access key {key.name}', also=[touching(key, client_ip)])
    return plaintext


def _find(key: AccessKey, owner: User, secret_id: object) -> ApiSecret:
    """The secret when it was chosen for the key and the owner can still see it; NotFound otherwise."""
    return decide(owner, _CHOSEN.first(owner.id, parse_id(secret_id), key.id))[0]


# The pages' query of a secret and the owner's share of it, narrowed to the secrets chosen for the key.
_CHOSEN = Compiled(lambda user_id, secret_id, key_id: with_share(user_id).where(
    (ApiSecret.id == secret_id) & fn.EXISTS(AccessKeySecret.select(AccessKeySecret.id).where(
        (AccessKeySecret.key == key_id) & (AccessKeySecret.secret == ApiSecret.id)))))


def _chosen(key: AccessKey):
    return AccessKeySecret.select(AccessKeySecret.secret).where(AccessKeySecret.key == key.id)


def _item(secret: ApiSecret) -> ApiItem:
    return ApiItem(id=secret.id, name=secret.name, identifier=secret.identifier, url=secret.url,
                   client_id=secret.client_id, method=secret.method, tags=tags_of(secret), enabled=secret.enabled)
