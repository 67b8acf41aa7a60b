"""Attacks on logging in: guessing passwords, telling users apart, and redirecting off-site after log-in."""
from __future__ import annotations

import pytest

from store import accounts, admin
from store.errors import LoginThrottled, NotAuthenticated
from store.models import Event
from ui.session import safe_return_path

from tests.seeding import PASSWORD
INVALID = 'Invalid username or password'


def _refused(username: str, password: str) -> str:
    with pytest.raises(NotAuthenticated) as caught:
        accounts.authenticate(username, password, ip='198.51.100.9')
    return str(caught.value)


def test_unknown_user_wrong_password_and_deactivated_user_get_one_message(make_actor, make_user) -> None:
    root = make_actor('root', is_admin=True)
    carol = make_user('carol')
    admin.set_user_active(root, carol.id, False)

    assert _refused('root', 'not the password') == INVALID
    assert _refused('nobody', PASSWORD) == INVALID
    assert _refused('carol', PASSWORD) == INVALID  # right password, deactivated


def test_log_in_is_throttled_after_five_failures_even_with_the_right_password(make_user) -> None:
    make_user('alice')
    make_user('bob')
    for attempt in range(5):
        assert _refused('alice', f'guess {attempt}') == INVALID

    with pytest.raises(LoginThrottled):
        accounts.authenticate('alice', PASSWORD)
    with pytest.raises(LoginThrottled):
        accounts.authenticate('  ALICE ', PASSWORD)  # the same account however it is typed
    assert accounts.authenticate('bob', PASSWORD).username == 'bob'  # others are not locked out


def test_an_unknown_username_is_throttled_like_a_real_one(started_store) -> None:
    for attempt in range(5):
        assert _refused('ghost', f'guess {attempt}') == INVALID
    with pytest.raises(LoginThrottled):
        accounts.authenticate('ghost', 'guess 5')


def test_a_refused_password_is_not_written_to_the_audit_trail(make_user) -> None:
    make_user('alice')
    _refused('alice', 'Tr0ub4dor&3-typed-by-mistake')
    rows = [str(row.__data__) for row in Event.select()]
    assert rows and not any('Tr0ub4dor' in row for row in rows)


@pytest.mark.parametrize('return_to', [
    '//evil.com', '//evil.com/mysafe', 'https://evil.com', 'http://evil.com/mysafe', '/\\evil.com', '\\\\evil.com',
    'javascript:alert(1)', 'JavaScript:alert(document.cookie)', 'data:text/html,<script>alert(1)</script>',
    'evil.com', '', None, '/login', '/login?return_to=//evil.com',
])
def test_return_to_cannot_leave_the_app(return_to: str | None) -> None:
    assert safe_return_path(return_to) == '/mysafe'


@pytest.mark.parametrize('return_to', ['/\t/evil.com', '/\n/evil.com', '/\r/evil.com'])
def test_return_to_with_a_control_character_cannot_become_protocol_relative(return_to: str) -> None:
    # Browsers drop tabs and newlines from URLs, so '/\t/evil.com' is read as '//evil.com'.
    assert safe_return_path(return_to) == '/mysafe'


@pytest.mark.parametrize('return_to', ['/mysafe/api-secrets/12', '/mysafe/api-secrets?page=2', '/admin/users'])
def test_return_to_keeps_a_path_inside_the_app(return_to: str) -> None:
    assert safe_return_path(return_to) == return_to
