"""Paging the API secrets list and the audit: Quasar's pagination buttons ask the server for a page (the table's
`request` event, as a browser sends it for Next page); the rows and the footer follow."""
from __future__ import annotations

from nicegui import ui
from nicegui.testing import User

from store import api_secrets
from store.records import Actor

from .helpers import SLOW, log_in, table_rows, until


def _ask_for_page(user: User, page: int, rows_per_page: int) -> None:
    """What the browser sends when a pagination button is clicked (the sort stays)."""
    table = next(iter(user.find(kind=ui.table).elements))
    user.find(kind=ui.table).trigger('request', {'pagination': {
        **table.pagination, 'page': page, 'rowsPerPage': rows_per_page}})


async def test_next_and_last_page_of_the_list_show_those_rows(user: User, make_user, add_secret) -> None:
    alice = make_user('alice')
    for n in range(35):
        add_secret(alice, name=f'Secret {n:02d}')
    await log_in(user, 'alice', path='/login?return_to=/mysafe/api-secrets')
    await user.should_see(kind=ui.table, retries=SLOW)
    assert [row['name'] for row in table_rows(user)][:2] == ['Secret 00', 'Secret 01']

    _ask_for_page(user, 2, 30)  # Next page
    await until(lambda: [row['name'] for row in table_rows(user)] == [f'Secret {n:02d}' for n in range(30, 35)])
    table = next(iter(user.find(kind=ui.table).elements))
    assert (table.pagination['page'], table.pagination['rowsNumber']) == (2, 35)

    _ask_for_page(user, 3, 10)  # 10 records per page, then the third page
    await until(lambda: [row['name'] for row in table_rows(user)] == [f'Secret {n:02d}' for n in range(20, 30)])
    assert next(iter(user.find(kind=ui.table).elements)).pagination['page'] == 3


async def test_the_audit_pages_too(user: User, make_user, add_secret) -> None:
    alice = make_user('alice', is_admin=True)
    secret_id = add_secret(alice, name='Audited')
    for _ in range(35):
        api_secrets.get_api_secret(Actor(alice.id), secret_id)  # a View event each
    await log_in(user, 'alice', path='/login?return_to=/audit')
    await user.should_see(kind=ui.table, retries=SLOW)
    first = [row['id'] for row in table_rows(user)]
    _ask_for_page(user, 2, 30)
    await until(lambda: table_rows(user) and not {row['id'] for row in table_rows(user)} & set(first))
    assert next(iter(user.find(kind=ui.table).elements)).pagination['page'] == 2


async def test_a_stale_pagination_from_the_browser_does_not_hide_the_page_count(user: User, make_user,
                                                                               add_secret) -> None:
    """Opened from the side menu, the browser's table mounts before the first page arrives and reports its empty
    pagination afterwards: the footer said "1-0 of 0" and had no page buttons."""
    alice = make_user('alice')
    for n in range(35):
        add_secret(alice, name=f'Secret {n:02d}')
    await log_in(user, 'alice', path='/login?return_to=/mysafe/api-secrets')
    await user.should_see(kind=ui.table, retries=SLOW)
    table = next(iter(user.find(kind=ui.table).elements))
    await until(lambda: table.pagination['rowsNumber'] == 35)
    user.find(kind=ui.table).trigger('update:pagination', {
        'page': 1, 'rowsPerPage': 30, 'sortBy': 'name', 'descending': False, 'rowsNumber': 0})
    await until(lambda: (table.pagination['page'], table.pagination['rowsNumber']) == (1, 35))
    assert len(table_rows(user)) == 30
