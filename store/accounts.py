"""Users: first-run setup, creation, log-in with throttling, and looking up the acting user."""
from __future__ import annotations

import dataclasses
import datetime as dt

from peewee import IntegrityError, fn

from . import events, runtime, throttle, two_factor
from .errors import LoginThrottled, NotAuthenticated, StoreError, TwoFactorSetupRequired, ValidationError
from .models import PasswordConfirmation, User, db, utcnow
from .passwords import hash_password, verify_password
from .records import Actor, UserInfo
from .validation import (
    run_checks,
    text_or_empty,
    validate_display_name,
    validate_login_password,
    validate_login_username,
    validate_new_password,
    validate_username,
)

INVALID_LOGIN = 'Invalid username or password'
UNKNOWN_USER = '(unknown user)'  # what the audit says for a username that does not exist
PASSWORD_CONFIRMATION = dt.timedelta(minutes=5)


def needs_setup() -> bool:
    """True while no user exists: the setup page may create the first administrator."""
    if runtime.known_set_up():
        return False
    if User.select().exists():
        runtime.mark_set_up()
        return False
    return True


def create_first_admin(username: str, password: str, confirmation: str, *, ip: str = '',
                       user_agent: str = '') -> UserInfo:
    """Create the first administrator; refused once any user exists."""
    cleaned = clean_new_user(username, '', password, confirmation)
    password_hash = hash_password(cleaned['password'])
    with db.atomic():
        if not needs_setup():
            raise StoreError('MySafe is already set up. Log in instead.')
        user = insert_user(cleaned, password_hash, is_admin=True)
        events.record(events.NEW, user=user, item_type=events.USER, item_id=user.id, item_name=user.username,
                      ip=ip, user_agent=user_agent)
    runtime.mark_set_up()
    return to_info(user)


def create_user(username: str, password: str, *, display_name: str = '', is_admin: bool = False) -> UserInfo:
    """Create a user (command line); raises ValidationError with a message per bad field."""
    cleaned = clean_new_user(username, display_name, password, None)
    password_hash = hash_password(cleaned['password'])
    with db.atomic():
        user = insert_user(cleaned, password_hash, is_admin=is_admin)
    return to_info(user)


def authenticate(username: str, password: str, *, ip: str = '', user_agent: str = '') -> UserInfo:
    """Return the user when the password matches; one message for unknown user and wrong password.

    Throttled per username and per client address (store.throttle): LoginThrottled says how long to
    wait, and no password is checked then. A username that does not exist is recorded in the audit as
    UNKNOWN_USER, never as typed (it may be a password typed into the wrong field).
    """
    cleaned = run_checks({'username': (validate_login_username, username),
                          'password': (validate_login_password, password)})
    key = cleaned['username'].lower()
    ip, user_agent = text_or_empty(ip), text_or_empty(user_agent)
    user = User.get_or_none(User.username_key == key) if key else None
    name = user.username if user else UNKNOWN_USER
    failed = {'username': name, 'item_type': events.USER, 'item_id': user.id if user else None, 'item_name': name,
              'ip': ip, 'user_agent': user_agent}
    try:
        attempt = throttle.begin_attempt(key, ip)
    except LoginThrottled:
        events.record(events.LOGIN_FAILED, details='Too many failed log-ins', **failed)
        raise
    ok = verify_password(user.password_hash if user else None, cleaned['password'])
    if not ok or user is None or not user.is_active:
        events.record(events.LOGIN_FAILED, **failed)
        raise NotAuthenticated(INVALID_LOGIN)
    throttle.succeeded(attempt)
    with db.atomic():
        User.update(last_login_at=utcnow()).where(User.id == user.id).execute()
        events.record(events.LOGIN, user=user, item_type=events.USER, item_id=user.id, item_name=user.username,
                      ip=ip, user_agent=user_agent)
    return two_factor.after_password(to_info(user))  # with two-factor on, a Code is asked next


def choose_new_password(username: str, password: str, new_password: str, confirmation: str, *, ip: str = '',
                        user_agent: str = '') -> UserInfo:
    """After an administrator's reset: the user proves the reset password once more and sets their own.

    ValidationError at 'new_password' / 'confirmation'; the same refusals as `authenticate` otherwise.
    Every other session of the user ends.
    """
    user_info = authenticate(username, password, ip=ip, user_agent=user_agent)
    password_hash = _new_password_hash(password, new_password, confirmation, 'the one that was reset')
    with db.atomic():
        User.update(password_hash=password_hash, must_change_password=False).where(
            User.id == user_info.id).execute()
        end_sessions(user_info.id)
        events.record(events.CHANGE, user=User.get_by_id(user_info.id), item_type=events.USER,
                      item_id=user_info.id, item_name=user_info.username, details='Password changed after a reset',
                      ip=ip, user_agent=user_agent)
    return dataclasses.replace(to_info(User.get_by_id(user_info.id)), two_factor_required=user_info.two_factor_required,
                               login_proof=user_info.login_proof)


def change_password(actor: Actor, current_password: str, new_password: str, confirmation: str) -> None:
    """The logged-in user replaces their password; every session of theirs ends, this one too.

    ValidationError at 'current_password' (wrong; counted by the log-in throttle of the user and of the
    client address, LoginThrottled once it is reached), 'new_password' or 'confirmation'.
    """
    user = acting_user(actor)
    current_password = run_checks({'current_password': (validate_login_password, current_password)}
                                  )['current_password']
    attempt = throttle.begin_attempt(user.username_key, actor.ip, 'Too many failed attempts.')
    if not verify_password(user.password_hash, current_password):
        events.record(events.LOGIN_FAILED, actor, username=user.username_key, item_type=events.USER,
                      item_id=user.id, item_name=user.username_key, details='Password change')
        raise ValidationError({'current_password': 'Wrong password'})
    throttle.succeeded(attempt)
    password_hash = _new_password_hash(current_password, new_password, confirmation, 'your current one')
    with db.atomic():
        User.update(password_hash=password_hash).where(User.id == user.id).execute()
        end_sessions(user.id)
        events.record(events.CHANGE, actor, user=user, item_type=events.USER, item_id=user.id,
                      item_name=user.username, details='Password changed')


def confirm_password(actor: Actor, password: str) -> None:
    """Record that the actor typed their password in this session (secrets that ask for it: 5 minutes).
    A user with two-factor on may give a current two-factor code instead (each code is accepted once).

    ValidationError at 'password' when it is wrong; attempts count towards the log-in throttle of the
    user and of the client address (LoginThrottled, no password checked, once it is reached).
    """
    user = acting_user(actor)
    password = run_checks({'password': (validate_login_password, password)})['password']
    attempt = throttle.begin_attempt(user.username_key, actor.ip, 'Too many failed attempts.')
    by_code = two_factor.confirm_with_code(user, password)  # None: not a code, so a password
    if not (by_code if by_code is not None else verify_password(user.password_hash, password)):
        events.record(events.LOGIN_FAILED, actor, username=user.username_key, item_type=events.USER,
                      item_id=user.id, item_name=user.username_key,
                      details='Password confirmation' if by_code is None else 'Two-factor code (confirmation)')
        raise ValidationError({'password': 'Wrong password' if by_code is None else 'Wrong code'})
    throttle.succeeded(attempt)
    with db.atomic():
        (PasswordConfirmation.insert(user=user.id, session=actor.session[:64], confirmed_at=utcnow())
         .on_conflict(conflict_target=[PasswordConfirmation.user, PasswordConfirmation.session],
                      update={PasswordConfirmation.confirmed_at: utcnow()}).execute())


def password_confirmed(user: User, actor: Actor) -> bool:
    """True when the actor confirmed their password in this session within the last 5 minutes."""
    if not actor.session:
        return False
    return PasswordConfirmation.select().where(
        (PasswordConfirmation.user == user.id) & (PasswordConfirmation.session == actor.session[:64])
        & (PasswordConfirmation.confirmed_at >= utcnow() - PASSWORD_CONFIRMATION)).exists()


def log_out(actor: Actor) -> None:
    """Record the log-out and end every session of the user (their other browsers too)."""
    user = User.get_or_none(User.id == actor.user_id)
    if user is not None:
        with db.atomic():
            end_sessions(user.id)
            events.record(events.LOGOUT, actor, user=user, item_type=events.USER, item_id=user.id,
                          item_name=user.username)


def end_sessions(user_id: int) -> None:
    """End every open session of the user at their next request (run inside the caller's transaction)."""
    User.update(session_generation=User.session_generation + 1).where(User.id == user_id).execute()


def active_user(user_id: int | None, generation: int | None = None) -> UserInfo | None:
    """The user behind a session, or None when it no longer exists, was deactivated, or its sessions were
    ended since (`generation` is the session's)."""
    if isinstance(user_id, bool) or not isinstance(user_id, int) or not 0 < user_id < 2**31:
        return None
    user = User.get_or_none((User.id == user_id) & (User.is_active == True))  # noqa: E712
    if user is None or (generation is not None and user.session_generation != generation):
        return None
    return to_info(user)


def acting_user(actor: Actor, *, setting_up_two_factor: bool = False) -> User:
    """The row of the acting user; every service starts here, so a deactivated user, or a browser session
    ended by a log-out, a password reset or a deactivation, can do nothing; nor, when an administrator
    requires two-factor for everyone, a user who has not set it up (TwoFactorSetupRequired), except set it up."""
    user = User.get_or_none((User.id == actor.user_id) & (User.is_active == True))  # noqa: E712
    if user is None or (actor.generation is not None and user.session_generation != actor.generation):
        raise NotAuthenticated()
    if not setting_up_two_factor and two_factor.missing_but_required(user.id):
        raise TwoFactorSetupRequired()
    return user


def name_holds(term: str):
    """The condition that a user's username or display name holds the lower-cased `term` (finding people)."""
    return fn.LOWER(User.username).contains(term) | fn.LOWER(User.display_name).contains(term)


def to_info(user: User) -> UserInfo:
    return UserInfo(id=user.id, username=user.username, display_name=user.display_name, is_admin=user.is_admin,
                    is_active=user.is_active, last_login_at=user.last_login_at,
                    session_generation=user.session_generation, must_change_password=user.must_change_password,
                    password_reset_by=user.password_reset_by, password_reset_at=user.password_reset_at)


def clean_new_user(username: str, display_name: str, password: str, confirmation: str | None) -> dict:
    cleaned = run_checks({
        'username': (validate_username, username),
        'password': (lambda value: validate_new_password(value, None), password),
    })
    if confirmation is not None and confirmation != password:
        raise ValidationError({'confirmation': 'The passwords do not match'})
    try:
        cleaned['display_name'] = validate_display_name(display_name, cleaned['username'])
    except ValueError as exc:
        raise ValidationError({'display_name': str(exc)}) from None
    if User.select().where(User.username_key == cleaned['username'].lower()).exists():
        raise ValidationError({'username': 'This username is already taken'})
    return cleaned


def insert_user(cleaned: dict, password_hash: str, *, is_admin: bool) -> User:
    try:
        with db.atomic():
            return User.create(username=cleaned['username'], username_key=cleaned['username'].lower(),
                               display_name=cleaned['display_name'], password_hash=password_hash, is_admin=is_admin)
    except IntegrityError:
        raise ValidationError({'username': 'This username is already taken'}) from None


def _new_password_hash(old_password: str, new_password: str, confirmation: str, old_name: str) -> str:
    """The hash of a new password that passes the rules, matches its confirmation and differs from the old."""
    try:
        validate_new_password(new_password)
    except ValueError as exc:
        raise ValidationError({'new_password': str(exc)}) from None
    if new_password != confirmation:
        raise ValidationError({'confirmation': 'The passwords do not match'})
    if new_password == old_password:
        raise ValidationError({'new_password': f'Choose a password other than {old_name}'})
    return hash_password(new_password)
