"""Peewee models (SPEC section 2). Pages never see these: services return dataclasses."""
from __future__ import annotations

import datetime as dt

from peewee import (BlobField, BooleanField, CharField, DatabaseProxy, DateTimeField, ForeignKeyField, IntegerField,
                    Model, TextField)

db = DatabaseProxy()


LAST_USE_STEP = dt.timedelta(seconds=1)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def last_use_due(column: DateTimeField, cutoff: dt.datetime):
    """The condition under which a Last use column is written, `cutoff` being LAST_USE_STEP before now: it is
    kept to the second (it is shown to the minute, and every use is also an event with its exact time). A use
    within a second of the last writes nothing there: for a program reading hundreds of times a second, no new
    version of the row (on PostgreSQL a copy of the row and an entry in each of its indexes) and no wait for
    the row's lock, which concurrent updates of one row take one at a time, each until its commit is on disk."""
    return column.is_null() | (column <= cutoff)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


class User(BaseModel):
    username = CharField(max_length=64)
    username_key = CharField(max_length=64, unique=True)  # lower-cased: usernames are unique ignoring case
    display_name = CharField(max_length=128)
    password_hash = CharField(max_length=255)
    is_admin = BooleanField(default=False)
    is_active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)
    last_login_at = DateTimeField(null=True)
    # Bumped to end every open session of the user at their next request (log-out, password reset, deactivation).
    session_generation = IntegerField(default=0)
    must_change_password = BooleanField(default=False)  # set by an administrator's reset
    password_reset_by = CharField(max_length=64, default='')  # who reset it (username) and when, to tell the user
    password_reset_at = DateTimeField(null=True)


class ApiSecret(BaseModel):
    owner = ForeignKeyField(User, backref='api_secrets', on_delete='RESTRICT')
    name = CharField(max_length=255, index=True)
    url = CharField(max_length=2048)
    client_id = CharField(max_length=1024)
    identifier = CharField(max_length=255, null=True)
    method = CharField(max_length=8)
    tags = TextField(default='')  # tags joined by '\n'; a tag never holds a newline
    notes = TextField(default='')
    enabled = BooleanField(default=True, index=True)
    ask_password = BooleanField(default=False)  # revealing needs the user's password, confirmed in the last 5 min
    wrapped_data_key = BlobField(null=True)
    key_id = CharField(max_length=32, null=True)
    client_secret = BlobField(null=True)
    version = IntegerField(default=1)  # bumped on every change: optimistic locking for edits
    secret_set_at = DateTimeField(default=utcnow)  # when the current client secret was set, and by whom
    secret_set_by = ForeignKeyField(User, null=True, on_delete='SET NULL', backref='+')
    created_at = DateTimeField(default=utcnow)
    created_by = ForeignKeyField(User, null=True, on_delete='SET NULL', backref='+')
    updated_at = DateTimeField(default=utcnow)
    updated_by = ForeignKeyField(User, null=True, on_delete='SET NULL', backref='+')
    last_used_at = DateTimeField(null=True, index=True)
    # lower(owner.display_name), kept in step by database triggers (owner_order.py): the Owner sort's index
    owner_key = CharField(max_length=128, null=True)
    # whether anyone has access to it, kept in step by database triggers on access (share_flag.py): the Shared filter
    shared = BooleanField(default=False)

    class Meta:
        indexes = ((('owner', 'identifier'), True),)


class Access(BaseModel):
    secret = ForeignKeyField(ApiSecret, backref='access', on_delete='CASCADE')
    user = ForeignKeyField(User, backref='access', on_delete='CASCADE')
    can_edit = BooleanField(default=False)

    class Meta:
        indexes = ((('secret', 'user'), True), (('user', 'secret'), False))


class ClientSecretHistory(BaseModel):
    """An earlier client secret, encrypted with its API secret's data key like the current one."""
    secret = ForeignKeyField(ApiSecret, backref='history', on_delete='CASCADE')
    client_secret = BlobField(null=True)
    set_at = DateTimeField()  # when this value became current
    set_by = ForeignKeyField(User, null=True, on_delete='SET NULL', backref='+')
    replaced_at = DateTimeField(default=utcnow)
    replaced_by = ForeignKeyField(User, null=True, on_delete='SET NULL', backref='+')
    # The value could not be decrypted when it was replaced: its ciphertext is kept exactly as it was.
    unreadable = BooleanField(default=False)


class Event(BaseModel):
    at = DateTimeField(default=utcnow, index=True)
    user = ForeignKeyField(User, null=True, on_delete='SET NULL', backref='+')
    username = CharField(max_length=255, default='')  # as typed for failed log-ins, else the actor's name
    action = CharField(max_length=32)  # looked up through the index below, whose first column it is
    item_type = CharField(max_length=32, default='')
    item_id = IntegerField(null=True, index=True)
    item_name = CharField(max_length=255, default='')  # the item's name at the time, nothing added
    details = CharField(max_length=255, default='')  # what was read or changed, e.g. 'Client secret'
    ip = CharField(max_length=64, default='')
    user_agent = CharField(max_length=512, default='')

    class Meta:
        # Failed access-key authentications are counted per client address (store/access_keys.py); the audit's
        # Event filter and sort use it too.
        indexes = ((('action', 'ip', 'at'), False),)


class PasswordConfirmation(BaseModel):
    """When a user last confirmed their password in one session (for secrets that ask for it)."""
    user = ForeignKeyField(User, on_delete='CASCADE', backref='+')
    session = CharField(max_length=64)
    confirmed_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((('user', 'session'), True),)


class AccessKey(BaseModel):
    """A program's key to the API: the token itself is never stored, only its SHA-256 (see access_keys.py)."""
    owner = ForeignKeyField(User, backref='access_keys', on_delete='CASCADE')
    name = CharField(max_length=255)
    token_hash = CharField(max_length=64, unique=True)  # hex SHA-256 of the whole token: the look-up key
    allowed_ips = TextField(default='')  # networks joined by '\n'; empty: any address
    expires_at = DateTimeField()
    created_at = DateTimeField(default=utcnow)
    last_used_at = DateTimeField(null=True)
    last_used_ip = CharField(max_length=64, default='')
    revoked_at = DateTimeField(null=True)


class AccessKeySecret(BaseModel):
    """An API secret an access key may read (still only while its owner can see it)."""
    key = ForeignKeyField(AccessKey, backref='secrets', on_delete='CASCADE')
    secret = ForeignKeyField(ApiSecret, backref='+', on_delete='CASCADE')

    class Meta:
        indexes = ((('key', 'secret'), True),)


class LoginTicket(BaseModel):
    """A one-time, short-lived proof of a completed log-in, redeemed over HTTP to issue a new browser id."""
    token_hash = CharField(max_length=64, unique=True)  # SHA-256 of a 256-bit random token: never the token
    user = ForeignKeyField(User, on_delete='CASCADE', backref='+')
    generation = IntegerField()
    expires_at = DateTimeField()


class LoginThrottle(BaseModel):
    """Failed log-ins counted per username (blinded) or per client address, in a 15-minute window.

    An attempt is counted before its password is checked and uncounted when it succeeds, under a lock
    on these rows, so parallel attempts can never check more passwords than the limit allows.
    """
    key = CharField(max_length=128, unique=True)  # 'user:<keyed hash of the username>' or 'address:<ip>'
    failures = IntegerField(default=0)
    window_started_at = DateTimeField(default=utcnow, index=True)


class TwoFactor(BaseModel):
    """A user's TOTP key (RFC 6238), sealed with the master key; on once `enabled_at` is set."""
    user = ForeignKeyField(User, unique=True, on_delete='CASCADE', backref='+')
    sealed_key = BlobField()  # AES-256-GCM under the master key, associated data naming table, user and field
    enabled_at = DateTimeField(null=True)  # None while the user is setting it up
    last_step = IntegerField(default=0)  # the latest time-step accepted: each code is accepted once
    # Unused since a log-in under way has a row of its own (PendingLogin); kept for the databases that have the
    # columns (login_stage is NOT NULL there).
    login_proof_hash = CharField(max_length=64, null=True)
    login_stage = CharField(max_length=8, default='')
    login_expires_at = DateTimeField(null=True)


class PendingLogin(BaseModel):
    """A log-in of a two-factor user between its steps: the hash of a random proof (never the proof), the step it
    proves ('password', then 'code'), good until `expires_at`. One for each log-in under way: a person may be
    logging in on two devices at once."""
    user = ForeignKeyField(User, on_delete='CASCADE', backref='+')
    proof_hash = CharField(max_length=64, unique=True)
    stage = CharField(max_length=8)
    expires_at = DateTimeField()


class RecoveryCode(BaseModel):
    """One of a user's 10 recovery codes, as a keyed hash; good once."""
    user = ForeignKeyField(User, on_delete='CASCADE', backref='+')
    code_hash = CharField(max_length=64, unique=True)
    used_at = DateTimeField(null=True)


class Setting(BaseModel):
    """An administrator's setting for everyone, e.g. 'two_factor_required' = 'true'."""
    name = CharField(max_length=64, unique=True)
    value = CharField(max_length=255, default='')


class KeyCheck(BaseModel):
    """One row proving which master key encrypted this database."""
    key_id = CharField(max_length=32)
    verifier = BlobField()
    created_at = DateTimeField(default=utcnow)


MODELS = (User, ApiSecret, Access, ClientSecretHistory, Event, PasswordConfirmation, LoginTicket, LoginThrottle,
          AccessKey, AccessKeySecret, KeyCheck, TwoFactor, PendingLogin, RecoveryCode, Setting)
