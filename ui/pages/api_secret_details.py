"""API secret details: every field but the client secret, which only View the information reveals."""
from __future__ import annotations

from nicegui import ui

from store import api_secrets, history
from store.records import OWNER, AccessEntry, ApiSecretDetails, HistoryEntry, UserInfo

from .. import session
from ..components.confirmation import confirm
from ..components.display import when
from ..components.protected_information import open_protected_information, show_protected_information
from ..components.secret_actions import can_edit, set_enabled
from ..components.share_dialog import open_share_dialog
from ..components.store_call import FAILED, call
from ..frame import page, requires_user

ACCESS_POLL_SECONDS = 5
ACCESS_COLUMNS = [
    {'name': 'user', 'label': 'User', 'field': 'user', 'align': 'left'},
    {'name': 'permission', 'label': 'Permission', 'field': 'permission', 'align': 'left'},
]


@requires_user
async def create(user: UserInfo, secret_id: str) -> None:
    visit = {'viewed': False}  # one visit is one View event, whatever is redrawn

    @ui.refreshable
    async def content() -> None:
        loaded = await call(_load, secret_id, not visit['viewed'], not_found_page=True)
        if loaded is FAILED:
            return
        visit['viewed'] = True
        details, entries, access = loaded
        with page('API secret details', width='max-w-4xl', back=('/mysafe/api-secrets', 'Back to API secrets')):
            if not details.enabled:
                ui.label('This API secret is disabled: it cannot be revealed or copied.') \
                    .classes('text-negative text-weight-medium')
            _fields(details)
            _buttons(details, content.refresh, may_read_audit=details.permission == OWNER or user.is_admin)
            if entries is not None:
                _history(details, entries, content.refresh)
            _access(details.id, access, content.refresh)

    await content()


def _load(actor, secret_id: str, record_view: bool
          ) -> tuple[ApiSecretDetails, list[HistoryEntry] | None, list[AccessEntry]]:
    """Everything the page shows, in one unit of work; the store parses the id and checks access."""
    details = api_secrets.get_api_secret(actor, secret_id, record_view=record_view)
    entries = history.list_history(actor, details.id) if can_edit(details.permission) else None
    return details, entries, api_secrets.access_list(actor, details.id)


def _fields(details: ApiSecretDetails) -> None:
    values = [
        ('Name', details.name), ('Owner', details.owner), ('Last use', when(details.last_used_at)),
        ('Url', details.url), ('Identifier', details.identifier or '—'), ('Client ID', details.client_id),
        ('Method', details.method), ('Tags', ', '.join(details.tags) or '—'), ('Notes', details.notes or '—'),
        ('Status', 'Enabled' if details.enabled else 'Disabled'),
    ]
    with ui.element('dl').classes('grid grid-cols-[10rem_1fr] gap-x-4 gap-y-2 w-full'):
        for label, value in values:
            with ui.element('dt').classes('text-grey-9 text-weight-medium'):
                ui.label(label)
            with ui.element('dd').classes('break-all whitespace-pre-wrap'):
                ui.label(value)


def _buttons(details: ApiSecretDetails, refresh, *, may_read_audit: bool) -> None:
    with ui.row().classes('q-mt-md gap-2'):
        view = ui.button('View the information', icon='visibility',
                         on_click=lambda: open_protected_information(details.id, details.client_id))
        view.set_enabled(details.enabled)
        if details.ask_password:
            ui.icon('lock').classes('self-center text-grey-9').props('aria-hidden=true')
            ui.label('Asks for your password before revealing').classes('self-center text-grey-9')
        if can_edit(details.permission):
            ui.button('Edit', icon='edit', on_click=lambda: ui.navigate.to(f'/mysafe/api-secrets/{details.id}/edit')) \
                .props('outline')
        if details.permission == OWNER:
            ui.button('Share', icon='share', on_click=lambda: open_share_dialog([details.id], refresh)) \
                .props('outline')
        if can_edit(details.permission):
            label, icon = ('Disable', 'block') if details.enabled else ('Enable', 'check_circle')
            ui.button(label, icon=icon, on_click=lambda: set_enabled([details.id], not details.enabled, refresh)) \
                .props('outline')
        if may_read_audit:  # SPEC section 3: the owner and administrators read an item's audit
            ui.button('Audit', icon='history', on_click=lambda: ui.navigate.to(f'/audit?item={details.id}')) \
                .props('outline')


def _history(details: ApiSecretDetails, entries: list[HistoryEntry], refresh) -> None:
    ui.label('Information history').classes('text-h6 q-mt-lg').props('role=heading aria-level=2')
    if not entries:
        ui.label('The client secret has not been changed yet.').classes('text-grey-9')
        return
    with ui.list().props('bordered separator').classes('w-full'):
        for entry in entries:
            with ui.item():
                with ui.item_section():
                    ui.label(f'Replaced {when(entry.replaced_at)} by {entry.replaced_by or "—"}')
                    ui.label(f'Set {when(entry.set_at)} by {entry.set_by or "—"}').classes('text-caption text-grey-9')
                    if entry.unreadable:
                        ui.label('This value cannot be decrypted: it can be neither shown nor restored.') \
                            .classes('text-caption text-negative')
                        continue
                with ui.item_section().props('side'):
                    which = f'the value replaced {when(entry.replaced_at)}'
                    with ui.row().classes('gap-1'):
                        ui.button('Reveal', icon='visibility',
                                  on_click=lambda e=entry: _reveal_earlier(details, e.id, e.replaced_at)) \
                            .props('flat dense no-caps').props.update({'aria-label': f'Reveal {which}'})
                        ui.button('Restore', icon='restore',
                                  on_click=lambda e=entry: _restore(details, e.id, refresh)) \
                            .props('flat dense no-caps').props.update({'aria-label': f'Restore {which}'})


async def _reveal_earlier(details: ApiSecretDetails, history_id: int, replaced_at) -> None:
    value = await call(history.reveal_history_value, details.id, history_id)
    if value is FAILED:
        return
    show_protected_information(details.id, details.client_id, value,
                               note=f'Earlier client secret, replaced {when(replaced_at)}')


async def _restore(details: ApiSecretDetails, history_id: int, refresh) -> None:
    if not await confirm('Are you sure you want to make this earlier client secret current again?'):
        return
    if await call(history.restore_history_value, details.id, history_id, details.version) is FAILED:
        return
    ui.notify('API secret updated', type='positive')
    await refresh()


def _access(secret_id: int, access: list[AccessEntry], refresh_page) -> None:
    """The access table, kept live: a change made elsewhere (another owner's tab, another person) shows up."""
    ui.label('Users with access to information').classes('text-h6 q-mt-lg').props('role=heading aria-level=2')
    table = ui.table(columns=ACCESS_COLUMNS, row_key='user', rows=_access_rows(access)) \
        .classes('w-full').props('flat bordered hide-pagination :pagination="{rowsPerPage: 0}"')

    async def poll() -> None:
        # touch=False: the page polling by itself is not the person acting (no idle session kept alive)
        access_now = await call(api_secrets.access_list, secret_id, touch=False)
        if access_now is FAILED:
            timer.cancel()
            if session.is_logged_in():  # access was taken away meanwhile: the page now says so
                await refresh_page()
            return
        rows = _access_rows(access_now)
        if rows != table.rows:
            table.rows = rows
            table.update()

    timer = ui.timer(ACCESS_POLL_SECONDS, poll)


def _access_rows(access: list[AccessEntry]) -> list[dict]:
    return [{'user': f'{entry.display_name} ({entry.username})', 'permission': entry.permission} for entry in access]
