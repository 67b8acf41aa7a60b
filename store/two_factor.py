"""Two-factor sign-in (TOTP, RFC 6238): set up, enable, disable, reset, and the Code step of a log-in.

The TOTP key is sealed with the master key (AES-256-GCM, associated data naming table, user and field).
A code is accepted once: the time-step it belongs to must be later than the last one accepted, and
that is decided by one conditional UPDATE, so two requests racing with one code cannot both pass.
Recovery codes are stored as keyed hashes and good once. Wrong codes count towards the log-in
throttle of the username and of the client address, and are recorded as "Login failed".
"""
from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import re
import secrets
import time

import pyotp

from . import accounts, events, runtime, throttle
from .crypto import associated_data
from .errors import Forbidden, NotAuthenticated, NotFound, ValidationError
from .models import PendingLogin, RecoveryCode, Setting, TwoFactor, User, db, utcnow
from .permissions import parse_id
from .records import Actor, TwoFactorSetup, TwoFactorStatus, UserInfo
from .validation import text_or_empty

ISSUER = 'MySafe'
RECOVERY_CODES = 10
STEP_SECONDS = 30
PASSWORD_STAGE_LIFETIME = dt.timedelta(minutes=5)  # between a correct password and its code
CODE_STAGE_LIFETIME = dt.timedelta(seconds=60)  # between a correct code and the log-in ticket
PENDING_MAX = 10  # log-ins under way for one user at most: a newer one makes the oldest one start again
WRONG_CODE = 'Wrong code'
REQUIRED_SETTING = 'two_factor_required'
REQUIRED_CACHE_SECONDS = 5.0
_required_cache: list = []  # [valid until (monotonic), required]
_CODE = re.compile(r'[0-9]{6}')


def status(actor: Actor) -> TwoFactorStatus:
    user = accounts.acting_user(actor, setting_up_two_factor=True)
    row = _enabled(user.id)
    if row is None:
        return TwoFactorStatus(enabled=False)
    left = RecoveryCode.select().where((RecoveryCode.user == user.id) & RecoveryCode.used_at.is_null()).count()
    return TwoFactorStatus(enabled=True, enabled_at=row.enabled_at, recovery_codes_left=left)


def begin_setup(actor: Actor) -> TwoFactorSetup:
    """A new key for the user to add to their authenticator; replaces an unfinished set-up, never an enabled one."""
    user = accounts.acting_user(actor, setting_up_two_factor=True)
    key = pyotp.random_base32()
    with db.atomic():
        if _enabled(user.id) is not None:
            raise ValidationError({'code': 'Two-factor authentication is already on'})
        TwoFactor.delete().where(TwoFactor.user == user.id).execute()
        TwoFactor.create(user=user.id, sealed_key=_seal(user.id, key))
    uri = pyotp.TOTP(key).provisioning_uri(name=user.username, issuer_name=ISSUER)
    return TwoFactorSetup(key=key, uri=uri)


def enable(actor: Actor, code: str) -> list[str]:
    """Turn two-factor on with one correct code from the key of `begin_setup`; returns the 10 recovery codes
    (shown once: only their hashes are kept)."""
    user = accounts.acting_user(actor, setting_up_two_factor=True)
    code = _typed_code(code)
    row = TwoFactor.get_or_none((TwoFactor.user == user.id) & TwoFactor.enabled_at.is_null())
    if row is None:
        raise ValidationError({'code': 'Start again: there is no key being set up'})
    attempt = throttle.begin_attempt(user.username_key, actor.ip, 'Too many wrong codes.')
    if not _accept_totp(row, code):
        _record_failure(user, actor, 'Two-factor code (enabling)')
        raise ValidationError({'code': WRONG_CODE})
    throttle.succeeded(attempt)
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    with db.atomic():
        TwoFactor.update(enabled_at=utcnow()).where(TwoFactor.id == row.id).execute()
        RecoveryCode.delete().where(RecoveryCode.user == user.id).execute()
        RecoveryCode.insert_many([{'user': user.id, 'code_hash': _code_hash(code)} for code in codes]).execute()
        events.record(events.TWO_FACTOR_ENABLED, actor, user=user, item_type=events.USER, item_id=user.id,
                      item_name=user.username)
    return codes


def disable(actor: Actor, code: str) -> None:
    """Turn two-factor off; asks a current code or a recovery code."""
    user = accounts.acting_user(actor)
    row = _enabled(user.id)
    if row is None:
        raise ValidationError({'code': 'Two-factor authentication is not on'})
    if required_for_everyone():
        raise ValidationError({'code': 'Your administrator requires two-factor authentication for everyone'})
    _check(user, row, code, actor.ip, actor.user_agent, 'Two-factor code (disabling)')
    with db.atomic():
        _remove(user.id)
        events.record(events.TWO_FACTOR_DISABLED, actor, user=user, item_type=events.USER, item_id=user.id,
                      item_name=user.username)


def reset(actor: Actor, user_id: int) -> None:
    """An administrator turns a user's two-factor off (a lost phone): the user's sessions end."""
    admin = _require_admin(actor)
    user = User.get_or_none(User.id == parse_id(user_id, 'User not found'))
    if user is None:
        raise NotFound('User not found')
    with db.atomic():
        _remove(user.id)
        accounts.end_sessions(user.id)
        events.record(events.TWO_FACTOR_RESET, actor, user=admin, item_type=events.USER, item_id=user.id,
                      item_name=user.username)


def enabled_for(user_id: int) -> bool:
    return _enabled(user_id) is not None


def required_for_everyone() -> bool:
    """The administrators' setting, read at most every REQUIRED_CACHE_SECONDS by this process (every service
    asks it: a query each time cost 0.6 ms of a 3 ms reveal); another instance sees a change within that time."""
    now = time.monotonic()
    if _required_cache and _required_cache[0] > now:
        return _required_cache[1]
    row = Setting.get_or_none(Setting.name == REQUIRED_SETTING)
    required = row is not None and row.value == 'true'
    _required_cache[:] = [now + REQUIRED_CACHE_SECONDS, required]
    return required


def forget_cached() -> None:
    """Read the setting afresh next time (the store stops or starts on another database)."""
    _required_cache.clear()


def missing_but_required(user_id: int) -> bool:
    """True when an administrator requires two-factor for everyone and this user has not set it up."""
    return required_for_everyone() and _enabled(user_id) is None


def is_required(actor: Actor) -> bool:
    """Whether two-factor is required for everyone (administrators only: the Administration page shows it)."""
    _require_admin(actor)
    return required_for_everyone()


def set_required(actor: Actor, required: bool) -> None:
    """Require two-factor for everyone (or no longer): users without it are taken to set it up. An administrator
    turns it on only with two-factor on themselves."""
    admin = _require_admin(actor)
    if not isinstance(required, bool):
        raise ValidationError({'required': 'Choose on or off'})
    if required and _enabled(admin.id) is None:
        raise ValidationError({'required': 'Turn on two-factor authentication for yourself first'})
    with db.atomic():
        (Setting.insert(name=REQUIRED_SETTING, value='true' if required else 'false')
         .on_conflict(conflict_target=[Setting.name], update={Setting.value: 'true' if required else 'false'})
         .execute())
        events.record(events.CHANGE, actor, user=admin, item_name='Require two-factor for everyone',
                      details='On' if required else 'Off')
    _required_cache.clear()


# --- the log-in's Code step ------------------------------------------------------------------------

def after_password(user: UserInfo) -> UserInfo:
    """Called by `accounts.authenticate` once the password is right: for a user with two-factor on, the
    log-in is not finished; the returned UserInfo carries a proof that the password step passed."""
    row = _enabled(user.id)
    if row is None:
        return user
    proof = _begin(user.id)
    return dataclasses.replace(user, two_factor_required=True, login_proof=proof)


def complete_login(user: UserInfo, code: str, *, ip: str = '', user_agent: str = '') -> UserInfo:
    """The Code step: a current code or a recovery code, after the password step of the same log-in.
    Returns the user with a proof that `sessions.issue_login_ticket` requires (good 60 s, once)."""
    if not isinstance(user, UserInfo):
        raise NotAuthenticated()
    try:
        user_id = parse_id(user.id, 'User not found')
    except NotFound:
        raise NotAuthenticated() from None
    row = _enabled(user_id)
    pending = _pending(user_id, user.login_proof, 'password') if row is not None else None
    if pending is None:
        raise NotAuthenticated('Your log-in has expired. Please log in again.')
    account = User.get_by_id(user_id)
    _check(account, row, code, text_or_empty(ip), text_or_empty(user_agent), 'Two-factor code')
    proof = _advance(pending, 'code', CODE_STAGE_LIFETIME)
    if proof is None:  # the same proof's twin request got there first
        raise NotAuthenticated('Your log-in has expired. Please log in again.')
    return dataclasses.replace(accounts.to_info(account), login_proof=proof)


def login_may_finish(user: UserInfo) -> bool:
    """For `sessions.issue_login_ticket`: True for a user without two-factor, or with a fresh proof of the
    Code step (used up by this call)."""
    if _enabled(user.id) is None:
        return True
    pending = _pending(user.id, getattr(user, 'login_proof', ''), 'code')
    return pending is not None and PendingLogin.delete().where(
        (PendingLogin.id == pending.id) & (PendingLogin.proof_hash == pending.proof_hash)).execute() == 1


def confirm_with_code(user: User, code: str) -> bool | None:
    """For "Ask for my password before revealing": None when `code` is no two-factor code of this user (check
    the password instead), else whether it was a current, unused code."""
    row = _enabled(user.id)
    if row is None or not isinstance(code, str) or not _CODE.fullmatch(code.strip()):
        return None
    return _accept_totp(row, code.strip())


# --- inside ----------------------------------------------------------------------------------------

def _require_admin(actor: Actor) -> User:
    admin = accounts.acting_user(actor)
    if not admin.is_admin:
        raise Forbidden('Only administrators can manage users')
    return admin


def _check(user: User, row: TwoFactor, code: str, ip: str, user_agent: str, what: str) -> None:
    """A current code or an unused recovery code, throttled like passwords; ValidationError at 'code' else."""
    code = _typed_code(code)
    attempt = throttle.begin_attempt(user.username_key, ip, 'Too many wrong codes.')
    if _CODE.fullmatch(code) and _accept_totp(row, code):
        throttle.succeeded(attempt)
        return
    if not _CODE.fullmatch(code) and _use_recovery_code(user.id, code):
        throttle.succeeded(attempt)
        events.record(events.RECOVERY_CODE_USED, user=user, item_type=events.USER, item_id=user.id,
                      item_name=user.username, ip=ip, user_agent=user_agent)
        return
    events.record(events.LOGIN_FAILED, user=user, item_type=events.USER, item_id=user.id, item_name=user.username,
                  details=what, ip=ip, user_agent=user_agent)
    raise ValidationError({'code': WRONG_CODE})


def _accept_totp(row: TwoFactor, code: str) -> bool:
    """True for a code of the previous, current or next 30-second step, later than the last accepted one."""
    if not _CODE.fullmatch(code):
        return False
    totp = pyotp.TOTP(_open(row.user_id, bytes(row.sealed_key)))
    now_step = int(time.time()) // STEP_SECONDS
    for step in (now_step - 1, now_step, now_step + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            # The one write that accepts it: a replay (or a racing twin) finds last_step already there.
            return TwoFactor.update(last_step=step).where(
                (TwoFactor.id == row.id) & (TwoFactor.last_step < step)).execute() == 1
    return False


def _use_recovery_code(user_id: int, code: str) -> bool:
    normalised = re.sub(r'[\s-]', '', code).lower()
    if not normalised:
        return False
    return RecoveryCode.update(used_at=utcnow()).where(
        (RecoveryCode.user == user_id) & (RecoveryCode.code_hash == _code_hash(normalised))
        & RecoveryCode.used_at.is_null()).execute() == 1


def _record_failure(user: User, actor: Actor, what: str) -> None:
    events.record(events.LOGIN_FAILED, actor, user=user, item_type=events.USER, item_id=user.id,
                  item_name=user.username, details=what)


def _typed_code(code: object) -> str:
    if not isinstance(code, str) or not code.strip():
        raise ValidationError({'code': 'Enter the code from your authenticator app, or a recovery code'})
    if len(code) > 64:
        raise ValidationError({'code': WRONG_CODE})
    return code.strip()


def _enabled(user_id: int) -> TwoFactor | None:
    return TwoFactor.get_or_none((TwoFactor.user == user_id) & TwoFactor.enabled_at.is_null(False))


def _remove(user_id: int) -> None:
    TwoFactor.delete().where(TwoFactor.user == user_id).execute()
    RecoveryCode.delete().where(RecoveryCode.user == user_id).execute()
    PendingLogin.delete().where(PendingLogin.user == user_id).execute()


def _begin(user_id: int) -> str:
    """A new log-in under way, past its password step: its proof. The user's expired ones are removed, and the
    oldest beyond PENDING_MAX."""
    now = utcnow()
    PendingLogin.delete().where((PendingLogin.user == user_id) & (PendingLogin.expires_at < now)).execute()
    kept = (PendingLogin.select(PendingLogin.id).where(PendingLogin.user == user_id)
            .order_by(PendingLogin.id.desc()).limit(PENDING_MAX - 1))
    PendingLogin.delete().where((PendingLogin.user == user_id) & PendingLogin.id.not_in(kept)).execute()
    proof = secrets.token_urlsafe(32)
    PendingLogin.create(user=user_id, proof_hash=_digest(proof), stage='password',
                        expires_at=now + PASSWORD_STAGE_LIFETIME)
    return proof


def _pending(user_id: int, proof: object, stage: str) -> PendingLogin | None:
    """The user's log-in under way that `proof` proves, at `stage` and not expired; None otherwise."""
    if not isinstance(proof, str) or not proof:
        return None
    pending = PendingLogin.get_or_none((PendingLogin.proof_hash == _digest(proof)) & (PendingLogin.user == user_id))
    if pending is None or pending.stage != stage or pending.expires_at < utcnow():
        return None
    return pending


def _advance(pending: PendingLogin, stage: str, lifetime: dt.timedelta) -> str | None:
    """The log-in's next step: a new proof in place of the one shown (None when another request used it first)."""
    proof = secrets.token_urlsafe(32)
    moved = PendingLogin.update(proof_hash=_digest(proof), stage=stage, expires_at=utcnow() + lifetime).where(
        (PendingLogin.id == pending.id) & (PendingLogin.proof_hash == pending.proof_hash)).execute()
    return proof if moved == 1 else None


def _new_recovery_code() -> str:
    text = base64.b32encode(secrets.token_bytes(10)).decode().lower()  # 80 bits, 16 characters
    return '-'.join(text[i:i + 4] for i in range(0, 16, 4))


def _code_hash(code: str) -> str:
    return runtime.keyring().blind('recovery-code:' + re.sub(r'[\s-]', '', code).lower())


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode('utf-8', 'surrogatepass')).hexdigest()


def _seal(user_id: int, key: str) -> bytes:
    return runtime.keyring().seal_with_master(key.encode(), _context(user_id))


def _open(user_id: int, sealed: bytes) -> str:
    return runtime.keyring().open_with_master(sealed, _context(user_id)).decode()


def _context(user_id: int) -> str:
    return associated_data(TwoFactor._meta.table_name, user_id, 'sealed_key').decode()
