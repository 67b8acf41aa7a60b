"""Plain values the store hands to pages: never Peewee rows, so pages cannot query behind its back."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

METHODS = ('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS')
OWNER, CAN_EDIT, CAN_VIEW = 'Owner', 'Can edit', 'Can view'


@dataclass(frozen=True)
class Actor:
    """Who is acting, and from where (for the audit trail)."""
    user_id: int
    ip: str = ''
    user_agent: str = ''
    session: str = ''  # names the log-in session, so a password confirmation holds in that session only
    generation: int | None = None  # a browser session's generation; None for what is no browser session


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    display_name: str
    is_admin: bool
    is_active: bool
    last_login_at: dt.datetime | None = None
    session_generation: int = 0
    must_change_password: bool = False
    password_reset_by: str = ''
    password_reset_at: dt.datetime | None = None
    # Set by a correct password when the user has two-factor on: the log-in asks for a Code next, and
    # `login_proof` (never shown, never stored) carries the proof of each step to the next.
    two_factor_required: bool = False
    login_proof: str = field(default='', repr=False)


@dataclass(frozen=True)
class TwoFactorStatus:
    enabled: bool
    enabled_at: dt.datetime | None = None
    recovery_codes_left: int = 0


@dataclass(frozen=True)
class TwoFactorSetup:
    """A new TOTP key for the user to scan (otpauth URI) or type (key, base32); on after one correct code."""
    key: str = field(repr=False)
    uri: str = field(repr=False)


@dataclass(frozen=True)
class ApiSecretInput:
    """What a person types into the Add / Edit form; every field is text until validated."""
    name: str = ''
    url: str = ''
    client_id: str = ''
    client_secret: str = ''
    identifier: str = ''
    method: str = 'GET'
    tags: str | list[str] = ''
    notes: str = ''
    ask_password: bool = False


@dataclass(frozen=True)
class ApiSecretSummary:
    id: int
    name: str
    url: str
    tags: list[str]
    shared: bool
    owner: str
    last_used_at: dt.datetime | None
    enabled: bool
    permission: str


@dataclass(frozen=True)
class ApiSecretDetails:
    id: int
    name: str
    owner: str
    last_used_at: dt.datetime | None
    url: str
    identifier: str
    client_id: str
    method: str
    tags: list[str]
    notes: str
    enabled: bool
    shared: bool
    permission: str
    has_client_secret: bool
    ask_password: bool
    created_at: dt.datetime
    created_by: str
    updated_at: dt.datetime
    updated_by: str
    version: int

    @property
    def can_edit(self) -> bool:
        return self.permission in (OWNER, CAN_EDIT)

    @property
    def is_owner(self) -> bool:
        return self.permission == OWNER


@dataclass(frozen=True)
class AccessEntry:
    user_id: int
    username: str
    display_name: str
    permission: str


@dataclass(frozen=True)
class Page:
    items: list = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = 30
    more: bool = False  # True when there are more than `total` rows (the list counts up to listing.COUNT_CAP)


@dataclass(frozen=True)
class HistoryEntry:
    """An earlier client secret: when it was set and by whom, and when it was replaced and by whom."""
    id: int
    set_at: dt.datetime
    set_by: str
    replaced_at: dt.datetime
    replaced_by: str
    unreadable: bool = False  # it could not be decrypted when it was replaced: it can be neither shown nor restored


@dataclass(frozen=True)
class ApiSecretFilter:
    """The list's filters as typed (SPEC section 1); `clean_filter` turns them into a query or field messages."""
    id: str = ''
    name: str = ''
    url: str = ''
    tags: str = ''
    shared: str = 'All'  # All / Yes / No
    owner: str = ''
    last_use_from: str = ''  # YYYY-MM-DD, UTC
    last_use_until: str = ''
    enabled: str = 'All'  # All / Yes / No


@dataclass(frozen=True)
class AuditFilter:
    """The audit's filters as typed (SPEC section 1); the store reads them or names the field it cannot read."""
    item_type: str = 'All'  # All / API secret / User
    event: str = 'All'  # All, or one of the event names of store.events
    user: str = ''  # part of the username
    since: str = ''  # From: YYYY-MM-DD, UTC, the whole day included
    until: str = ''  # Until: YYYY-MM-DD, UTC, the whole day included
    item_id: str = ''  # only the events of this API secret (the details page's Audit button)


@dataclass(frozen=True)
class AuditEntry:
    """One event as the audit shows it: the item's name at the time, never a client secret."""
    id: int
    name: str
    type: str
    event: str
    user: str
    ip: str
    at: dt.datetime
    item_id: int | None = None
    details: str = ''


@dataclass(frozen=True)
class AccessKeyInput:
    """What a person types into the New access key dialog; every field is text until validated."""
    name: str = ''
    expires: str = ''  # YYYY-MM-DD (UTC); empty: 90 days ahead
    secret_ids: list = field(default_factory=list)  # the API secrets the key may read
    allowed_ips: str = ''  # addresses or CIDR ranges, one per line; empty: any address


@dataclass(frozen=True)
class NamedSecret:
    id: int
    name: str


@dataclass(frozen=True)
class AccessKeyInfo:
    """One of the user's access keys as the Access keys page shows it: never the token."""
    id: int
    name: str
    secrets: list[NamedSecret]  # those the owner can still see
    allowed_ips: list[str]
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    last_used_ip: str
    status: str  # Active / Expired / Revoked


@dataclass(frozen=True)
class CreatedAccessKey:
    """A new access key: `token` is its only copy, shown once and never stored."""
    id: int
    name: str
    token: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class ApiItem:
    """An API secret as the REST API returns it (SPEC section 7): never the client secret."""
    id: int
    name: str
    identifier: str | None
    url: str
    client_id: str
    method: str
    tags: list[str]
    enabled: bool
