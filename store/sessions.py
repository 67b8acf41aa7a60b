"""Log-in sessions: a completed log-in becomes a one-time ticket that the browser redeems over HTTP, so
the session gets a new browser id (nothing of a cookie planted before log-in survives it)."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from . import two_factor
from .accounts import to_info
from .errors import NotAuthenticated, ValidationError
from .models import LoginTicket, User, db, utcnow
from .records import UserInfo

TICKET_LIFETIME = dt.timedelta(seconds=60)


def issue_login_ticket(user: UserInfo) -> str:
    """A one-time ticket (valid 60 s) for a user who has just proved who they are; never for one who must
    first choose a new password, nor for one with two-factor on without the proof of a correct Code
    (`two_factor.complete_login`), whatever the page does."""
    row = User.get_or_none((User.id == user.id) & (User.is_active == True))  # noqa: E712
    if row is None:
        raise NotAuthenticated()
    if row.must_change_password:
        raise ValidationError({'password': 'Choose a new password first'})
    if not two_factor.login_may_finish(user):
        raise NotAuthenticated('Enter the code from your authenticator app first.')
    token = secrets.token_urlsafe(32)
    with db.atomic():
        LoginTicket.delete().where(LoginTicket.expires_at < utcnow()).execute()
        LoginTicket.create(token_hash=_digest(token), user=row.id, generation=row.session_generation,
                           expires_at=utcnow() + TICKET_LIFETIME)
    return token


def redeem_login_ticket(token: object) -> UserInfo:
    """The user a ticket was issued to, once: a second redemption, an expired ticket, or one issued before
    the user's sessions were ended, raises NotAuthenticated."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise NotAuthenticated()
    with db.atomic():
        ticket = LoginTicket.get_or_none(LoginTicket.token_hash == _digest(token))
        if ticket is None:
            raise NotAuthenticated()
        # Deleting is the redemption: of two requests racing with one ticket, only one deletes the row.
        if LoginTicket.delete().where(LoginTicket.id == ticket.id).execute() != 1 or ticket.expires_at < utcnow():
            raise NotAuthenticated()
        user = User.get_or_none((User.id == ticket.user_id) & (User.is_active == True))  # noqa: E712
        if user is None or user.session_generation != ticket.generation or user.must_change_password:
            raise NotAuthenticated()
    return to_info(user)


def _digest(token: str) -> str:
    # A 256-bit random token needs no slow hash: the digest only keeps the database from holding the token.
    return hashlib.sha256(token.encode()).hexdigest()
