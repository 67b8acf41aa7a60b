"""Connections: one per unit of work, given back afterwards; a database that drops them costs only the call in
flight (on PostgreSQL, `pg_terminate_backend` on every backend of the test database stands for a restart)."""
from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from store import accounts, api_secrets, listing, runtime, sessions
from store.errors import DatabaseUnavailable, NotFound
from store.models import db
from store.records import ApiSecretInput
from tests.conftest import PASSWORD
from tests.postgres import backends, terminate_backends

WORKERS = 4
postgresql_only = pytest.mark.parametrize('store_backend', ['postgresql'], indirect=True)


def test_worker_threads_hold_no_connection_after_their_units_of_work(started_store, make_actor, add_secret):
    actor = make_actor('alice')
    add_secret(actor, name='Billing API')
    db.close()  # the test's own thread is done with the database too
    with ThreadPoolExecutor(WORKERS) as workers:
        pages = list(workers.map(lambda _: runtime.unit_of_work(listing.list_api_secrets, actor), range(40)))
        refusals = list(workers.map(lambda _: _error_of(runtime.unit_of_work, api_secrets.get_api_secret,
                                                        actor, 999_999), range(20)))
        held = _in_every_worker(workers, lambda: not db.is_closed())
    assert [page.total for page in pages] == [1] * 40
    assert refusals == [NotFound] * 20
    assert held == [False] * WORKERS
    assert _open_connections(started_store) <= WORKERS  # idle in the pool, reused rather than one per call
    runtime.stop()
    assert _open_connections(started_store, closed_just_now=True) == 0


@postgresql_only
def test_a_database_restart_fails_only_the_call_in_flight_and_the_next_calls_work(started_store, make_actor,
                                                                                 add_secret):
    actor = make_actor('alice')
    add_secret(actor, name='Billing API')
    db.close()
    halfway, resume = threading.Event(), threading.Event()

    def long_call() -> int:
        listing.list_api_secrets(actor)
        halfway.set()
        resume.wait(10)
        return listing.list_api_secrets(actor).total

    with ThreadPoolExecutor(WORKERS) as workers:
        list(workers.map(lambda _: runtime.unit_of_work(listing.list_api_secrets, actor), range(20)))  # idle ones
        in_flight = workers.submit(runtime.unit_of_work, long_call)
        assert halfway.wait(10)
        assert _terminate_backends(started_store) >= 2  # the call in flight's and the pool's idle ones
        after = list(workers.map(lambda _: runtime.unit_of_work(listing.list_api_secrets, actor), range(20)))
        resume.set()
        with pytest.raises(DatabaseUnavailable, match='not answering'):
            in_flight.result(10)
        again = list(workers.map(lambda _: runtime.unit_of_work(listing.list_api_secrets, actor), range(20)))
    assert [page.total for page in after + again] == [1] * 40


@postgresql_only
def test_a_database_restart_during_a_log_in_fails_that_log_in_only(started_store, make_user, monkeypatch):
    make_user('alice')
    db.close()
    verify = accounts.verify_password

    def restart_while_hashing(password_hash: str | None, password: str) -> bool:
        _terminate_backends(started_store)
        return verify(password_hash, password)

    with ThreadPoolExecutor(1) as worker:
        with monkeypatch.context() as patch:
            patch.setattr(accounts, 'verify_password', restart_while_hashing)
            failed = worker.submit(runtime.unit_of_work, accounts.authenticate, 'alice', PASSWORD)
            with pytest.raises(DatabaseUnavailable):
                failed.result(10)
        user = worker.submit(runtime.unit_of_work, accounts.authenticate, 'alice', PASSWORD).result(10)
    assert user.username == 'alice'


@postgresql_only
def test_a_connection_a_thread_took_outside_a_unit_does_not_stick_to_it(started_store, make_actor):
    actor = make_actor('alice')
    db.close()
    with ThreadPoolExecutor(1) as worker:
        worker.submit(listing.list_api_secrets, actor).result(10)  # called directly: the thread keeps a connection
        _terminate_backends(started_store)
        page = worker.submit(runtime.unit_of_work, listing.list_api_secrets, actor).result(10)
        held = worker.submit(lambda: not db.is_closed()).result(10)
    assert (page.total, held) == (0, False)


def test_two_log_ins_finishing_at_the_same_moment_both_get_in(started_store, make_user, monkeypatch):
    # Redeeming a log-in ticket reads it, then deletes it. Meanwhile another person's log-in writes its own ticket.
    # On SQLite a transaction that began by reading could not take the write lock after another's commit
    # ("database is locked" at once, whatever busy_timeout): the first person got an error page.
    alice, bob = make_user('alice'), make_user('bob')
    db.close()
    ticket = runtime.unit_of_work(sessions.issue_login_ticket, alice)
    read = sessions.LoginTicket.get_or_none
    bob_tickets: list[str] = []
    bobs_log_in = threading.Thread(
        target=lambda: bob_tickets.append(runtime.unit_of_work(sessions.issue_login_ticket, bob)))

    def read_then_let_bob_log_in(*args, **kwargs):
        found = read(*args, **kwargs)
        bobs_log_in.start()
        bobs_log_in.join(2)  # bob's ticket is written meanwhile, or bob waits for the write lock this transaction holds
        return found

    monkeypatch.setattr(sessions.LoginTicket, 'get_or_none', read_then_let_bob_log_in)
    assert runtime.unit_of_work(sessions.redeem_login_ticket, ticket).username == 'alice'
    bobs_log_in.join(10)
    monkeypatch.undo()
    assert runtime.unit_of_work(sessions.redeem_login_ticket, bob_tickets[0]).username == 'bob'


def test_stopping_lets_a_save_in_flight_finish(started_store, make_actor):
    actor = make_actor('alice')
    db.close()
    saving = threading.Event()

    def slow_save() -> int:
        saving.set()
        time.sleep(0.5)  # the save is under way when the server is told to stop (SIGTERM)
        return api_secrets.create_api_secret(actor, ApiSecretInput(
            name='Saved while stopping', url='https://api.example.com', client_id='c', client_secret='sk_x'))

    with ThreadPoolExecutor(1) as worker:
        saved = worker.submit(runtime.unit_of_work, slow_save)
        assert saving.wait(10)
        runtime.stop()
        secret_id = saved.result(10)
    started_store.start()
    assert api_secrets.get_api_secret(actor, secret_id).name == 'Saved while stopping'


def _in_every_worker(workers: ThreadPoolExecutor, probe) -> list:
    """`probe()` once in each of the pool's WORKERS threads (a barrier keeps one thread from taking two)."""
    barrier = threading.Barrier(WORKERS)

    def run(_: int):
        barrier.wait(10)
        return probe()
    return list(workers.map(run, range(WORKERS)))


def _error_of(call, *args):
    try:
        call(*args)
    except Exception as error:  # noqa: BLE001 - the test compares the error's type
        return type(error)
    return None


def _database_name(backend) -> str:
    return backend.database_url.rsplit('/', 1)[1]


def _open_connections(backend, closed_just_now: bool = False) -> int:
    """Connections this process holds to the store's database (server backends, or SQLite file handles).
    `closed_just_now`: PostgreSQL lists a backend until its process has exited, a moment after the client closed the
    connection (a count taken at once saw one, in a CI run): counted again until none or 2 s have passed."""
    if backend.name == 'sqlite':
        target = str(backend.sqlite_file)
        return sum(os.readlink(f'/proc/self/fd/{fd}') == target for fd in os.listdir('/proc/self/fd')
                   if os.path.exists(f'/proc/self/fd/{fd}'))
    deadline = time.monotonic() + (2 if closed_just_now else 0)
    while (count := backends(_database_name(backend))) and time.monotonic() < deadline:
        time.sleep(0.02)
    return count


def _terminate_backends(backend) -> int:
    return terminate_backends(_database_name(backend))
