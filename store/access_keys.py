"""Access keys: how programs read API secrets (SPEC sections 1, 2 and 7).

A key belongs to one user and may read only the API secrets chosen for it *that its owner can still see*:
the reads (store/api_reads.py) go through the same permission code as the pages. The token is shown once,
when the key is created, and only its hash is stored.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import math
import re
import secrets

from . import events
from .accounts import acting_user
from .compiled import Compiled
from .errors import AccessKeyRefused, AccessKeyThrottled, AddressNotAllowed, NotFound, StoreError, ValidationError
from .listing import list_api_secrets
from .models import LAST_USE_STEP, AccessKey, AccessKeySecret, ApiSecret, Event, User, db, last_use_due, utcnow
from .permissions import find_secret, visible_to
from .records import AccessKeyInfo, AccessKeyInput, Actor, CreatedAccessKey, NamedSecret
from .tabular import paging
from .validation import text, validate_name

TOKEN_PREFIX = 'mysafe_'  # recognisable, so secret scanners can find a leaked key
_TOKEN = re.compile(r'mysafe_[A-Za-z0-9_-]{43}')  # the prefix and token_urlsafe(32): 256 random bits
DEFAULT_LIFETIME = dt.timedelta(days=90)
MAX_LIFETIME = dt.timedelta(days=365)
MAX_SECRETS = 1000
MAX_NETWORKS = 100
MAX_ALLOWED_IPS_TEXT = MAX_NETWORKS * 50  # 100 IPv6 ranges with room for spaces
FAILURE_WINDOW = dt.timedelta(minutes=15)
FAILURE_LIMIT = 20  # failed authentications from one client address within the window, then 429
FAILED_DETAILS = 'access key'
ACTIVE, EXPIRED, REVOKED = 'Active', 'Expired', 'Revoked'
KEY_NOT_FOUND = 'Access key not found'


def create_access_key(actor: Actor, data: AccessKeyInput) -> CreatedAccessKey:
    """Validate and store a new key of the actor's; the returned token is its only copy.

    Every chosen API secret must be one the actor can see now (else ValidationError at 'secret_ids').
    """
    user = acting_user(actor)
    cleaned = clean_access_key(user, data)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.atomic():
        key = AccessKey.create(owner=user, name=cleaned['name'], token_hash=token_hash(token),
                               allowed_ips='\n'.join(cleaned['allowed_ips']), expires_at=cleaned['expires_at'])
        AccessKeySecret.insert_many([{'key': key.id, 'secret': secret_id} for secret_id in cleaned['secret_ids']]
                                    ).execute()
        events.record(events.NEW, actor, user=user, item_type=events.ACCESS_KEY, item_id=key.id, item_name=key.name)
    return CreatedAccessKey(id=key.id, name=key.name, token=token, expires_at=key.expires_at)


def list_access_keys(actor: Actor) -> list[AccessKeyInfo]:
    """The actor's own keys, newest first, each with the chosen secrets its owner can still see."""
    user = acting_user(actor)
    keys = list(AccessKey.select().where(AccessKey.owner == user.id).order_by(AccessKey.id.desc()))
    visible = visible_to(user).select(ApiSecret.id)
    names: dict[int, list[NamedSecret]] = {key.id: [] for key in keys}
    if keys:
        rows = (AccessKeySecret.select(AccessKeySecret.key, ApiSecret.id, ApiSecret.name)
                .join(ApiSecret, on=(AccessKeySecret.secret == ApiSecret.id))
                .where(AccessKeySecret.key.in_(list(names)) & ApiSecret.id.in_(visible))
                .order_by(ApiSecret.name, ApiSecret.id).tuples())
        for key_id, secret_id, name in rows:
            names[key_id].append(NamedSecret(secret_id, name))
    now = utcnow()
    return [AccessKeyInfo(id=key.id, name=key.name, secrets=names[key.id],
                          allowed_ips=[line for line in key.allowed_ips.split('\n') if line],
                          created_at=key.created_at, expires_at=key.expires_at, last_used_at=key.last_used_at,
                          last_used_ip=key.last_used_ip, status=status_of(key, now)) for key in keys]


def revoke_access_key(actor: Actor, key_id: object) -> None:
    """Revoke one of the actor's keys: it stops working at once. Another user's key is NotFound."""
    user = acting_user(actor)
    try:
        key = AccessKey.get_or_none((AccessKey.id == int(str(key_id))) & (AccessKey.owner == user.id))
    except (TypeError, ValueError, OverflowError):
        key = None
    if key is None:
        raise NotFound(KEY_NOT_FOUND)
    if key.revoked_at is not None:
        return
    with db.atomic():
        AccessKey.update(revoked_at=utcnow()).where(AccessKey.id == key.id).execute()
        events.record(events.DISABLING, actor, user=user, item_type=events.ACCESS_KEY, item_id=key.id,
                      item_name=key.name)


def secret_choices(actor: Actor, search: str = '', limit: int = 20) -> list[NamedSecret]:
    """The API secrets the actor can see whose name matches `search` (the dialog searches as people type)."""
    found = list_api_secrets(actor, search=search or '', per_page=paging(1, limit, 100)[1])
    return [NamedSecret(item.id, item.name) for item in found.items]


def authenticate_key(token: str | None, client_ip: str, user_agent: str = '') -> tuple[AccessKey, User]:
    """The key and its (active) owner for an API request from `client_ip`.

    AccessKeyRefused when the token is missing, malformed, unknown, expired or revoked, or the owner was
    deactivated; AddressNotAllowed when `client_ip` is outside the key's Allowed IPs. Each failure is
    recorded (never the token); after FAILURE_LIMIT failures from one address within FAILURE_WINDOW,
    further failures raise AccessKeyThrottled instead (and are not recorded, so a flood cannot fill the
    audit). A valid key keeps working from a throttled address: its 256 bits cannot be guessed.
    """
    key = None
    if isinstance(token, str) and _TOKEN.fullmatch(token):
        key = _KEY.first(token_hash(token))
    refusal = _problem(key, token, client_ip)
    if refusal is None:
        return key, key.owner
    problem, details = refusal
    retry_after = _throttled(client_ip)
    if retry_after:
        raise AccessKeyThrottled(retry_after)
    events.record(events.LOGIN_FAILED, item_type=events.ACCESS_KEY if key else '', item_id=key.id if key else None,
                  item_name=key.name if key else '', details=details, ip=client_ip,
                  user_agent=user_agent)
    raise problem


_KEY = Compiled(lambda hashed: AccessKey.select(AccessKey, User).join(User, on=(AccessKey.owner == User.id))
                .where(AccessKey.token_hash == hashed))


def token_hash(token: str) -> str:
    """The stored form of a token. A plain SHA-256 suffices (no salt, no slow hash): the token is 256 random
    bits, so neither a dictionary nor brute force can invert it, and an equal hash can serve as the index
    that finds the key (looking it up leaks nothing a guess could use)."""
    return hashlib.sha256(token.encode('ascii')).hexdigest()


def status_of(key: AccessKey, now: dt.datetime) -> str:
    if key.revoked_at is not None:
        return REVOKED
    return EXPIRED if key.expires_at <= now else ACTIVE


def touch(key: AccessKey, client_ip: str) -> None:
    """Record the key's last use: when and from where."""
    touching(key, client_ip).execute()


def touching(key: AccessKey, client_ip: str):
    """The query that records the key's last use: its time to the second (models.last_use_due), and from
    where, whenever that changes."""
    now, address = utcnow(), client_ip[:64]
    return _TOUCH.statement(key.id, now, now - LAST_USE_STEP, address, address)


_TOUCH = Compiled(lambda key_id, now, cutoff, address, other_than: (
    AccessKey.update(last_used_at=now, last_used_ip=address).where(
        (AccessKey.id == key_id)
        & (last_use_due(AccessKey.last_used_at, cutoff) | (AccessKey.last_used_ip != other_than)))))


def clean_access_key(user: User, data: AccessKeyInput) -> dict:
    """The key's fields as stored, or ValidationError with a message per field."""
    if not isinstance(data, AccessKeyInput):
        raise ValidationError({'name': 'Fill in the New access key form'})
    cleaned, errors = {}, {}
    for field, check in (('name', validate_name), ('expires', _expiry), ('allowed_ips', _networks),
                         ('secret_ids', lambda value: _secret_ids(user, value))):
        try:
            cleaned[field] = check(getattr(data, field))
        except ValueError as exc:
            errors[field] = str(exc)
    if 'name' in cleaned and AccessKey.select().where(
            (AccessKey.owner == user.id) & (AccessKey.name == cleaned['name']) & AccessKey.revoked_at.is_null()
    ).exists():
        errors['name'] = 'You already have an access key with this name'
    if errors:
        raise ValidationError(errors)
    cleaned['expires_at'] = cleaned.pop('expires')
    return cleaned


# --- helpers -----------------------------------------------------------------------------------

def _problem(key: AccessKey | None, token: str | None, client_ip: str) -> tuple[StoreError, str] | None:
    """Why the request is refused, and the Details its Login failed event gets; None when it is not."""
    if key is None:
        return AccessKeyRefused('Missing access key' if not token else 'Invalid access key'), FAILED_DETAILS
    if key.revoked_at is not None:
        return AccessKeyRefused('This access key was revoked'), f'{FAILED_DETAILS} revoked'
    if key.expires_at <= utcnow():
        return AccessKeyRefused('This access key has expired'), f'{FAILED_DETAILS} expired'
    if not key.owner.is_active:
        return (AccessKeyRefused('The owner of this access key was deactivated'),
                f'{FAILED_DETAILS} of a deactivated user')
    if key.allowed_ips and not _address_allowed(client_ip, key.allowed_ips.split('\n')):
        return AddressNotAllowed(), f'{FAILED_DETAILS} used from an address not allowed'
    return None


def _throttled(client_ip: str) -> int:
    """Seconds until `client_ip` may fail again, or 0 while it is under the limit."""
    now = utcnow()
    recent = list(Event.select(Event.at).where(
        (Event.action == events.LOGIN_FAILED) & (Event.ip == client_ip[:64]) & (Event.at >= now - FAILURE_WINDOW)
        & Event.details.startswith(FAILED_DETAILS)).order_by(Event.at.desc()).limit(FAILURE_LIMIT).tuples())
    if len(recent) < FAILURE_LIMIT:
        return 0
    oldest = recent[-1][0]
    return max(1, math.ceil((oldest + FAILURE_WINDOW - now).total_seconds()))


def _address_allowed(client_ip: str, networks: list[str]) -> bool:
    try:
        address = ipaddress.ip_address(client_ip)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in ipaddress.ip_network(network) for network in networks if network)


def _expiry(value: object) -> dt.datetime:
    """The end of the chosen day (UTC): from today up to one year ahead; empty is 90 days ahead."""
    today = utcnow().date()
    if value in (None, ''):
        day = today + DEFAULT_LIFETIME
    elif isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError('Enter the date as YYYY-MM-DD') from None
    if day < today:
        raise ValueError('Choose a date from today on')
    if day > today + MAX_LIFETIME:
        raise ValueError('An access key expires at most one year ahead')
    return dt.datetime.combine(day, dt.time.min) + dt.timedelta(days=1)


def _networks(value: object) -> list[str]:
    lines = [line.strip() for line in text(value, 'Allowed IPs', MAX_ALLOWED_IPS_TEXT).splitlines() if line.strip()]
    if len(lines) > MAX_NETWORKS:
        raise ValueError(f'Enter at most {MAX_NETWORKS} addresses or ranges')
    networks = []
    for line in lines:
        try:
            networks.append(str(ipaddress.ip_network(line, strict=False)))
        except ValueError:
            raise ValueError(f'Not an IP address or CIDR range: {line[:60]}') from None
    return list(dict.fromkeys(networks))


def _secret_ids(user: User, values: object) -> list[int]:
    if isinstance(values, (str, bytes)) or not hasattr(values, '__iter__'):
        raise ValueError('Choose the API secrets this key may read')
    chosen = list(dict.fromkeys(values))  # type: ignore[arg-type]
    if not chosen:
        raise ValueError('Choose at least one API secret')
    if len(chosen) > MAX_SECRETS:
        raise ValueError(f'Choose at most {MAX_SECRETS} API secrets')
    ids = []
    for value in chosen:
        try:
            ids.append(find_secret(user, value)[0].id)
        except NotFound:
            raise ValueError('API secret not found') from None
    return list(dict.fromkeys(ids))
