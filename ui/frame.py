"""The frame around every page: top bar with the Grid Menu and user menu, the MySafe side menu, and the gate
that lets a page declare once that it needs a logged-in user (or an administrator)."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from nicegui import context, helpers, ui
from nicegui.page_arguments import PageArguments, RouteMatch

from store import runtime
from store.records import UserInfo

from . import session
from .components.menus import menu_item

MAIN_ID = 'main-content'


def requires_user(builder: Callable) -> Callable:
    """Mark a page builder as needing a logged-in user; it receives that user as `user`."""
    builder.gate = 'user'
    return builder


def requires_admin(builder: Callable) -> Callable:
    """Mark a page builder as needing a logged-in administrator; it receives that user as `user`."""
    builder.gate = 'admin'
    return builder


class Router(ui.sub_pages):
    """`ui.sub_pages` whose gated pages are built only for a logged-in (or administrator) user.

    A logged-out visitor goes to log in and comes back afterwards; the user is read once, here.
    """

    def __init__(self, routes: dict[str, Callable], shell: Shell) -> None:
        self.shell = shell
        super().__init__(routes, data={'shell': shell})
        self.props['id'] = MAIN_ID  # the skip link's target
        self.props['tabindex'] = '-1'

    def _render_page(self, match: RouteMatch) -> bool:
        gate = getattr(match.builder, 'gate', None)
        if gate is None:
            self.shell.hide()
            return super()._render_page(match)
        path = self._router.current_path
        if not session.is_logged_in():  # no session at all: straight to log in, nothing to ask the store
            if runtime.known_set_up():
                self._to_login(path)
            else:
                self.shell.hide()
                ui.navigate.to(session.login_path(path, '/setup'))  # a new installation? setup checks, sends on
            return True
        builder, kwargs = match.builder, PageArguments.build_kwargs(match, self, {**self._data, 'user': None})

        async def gated() -> None:
            user = await session.logged_in_user()
            if user is None:
                self._to_login(path)
                return
            self.shell.enter(user)
            if gate == 'admin' and not user.is_admin:
                with page('Administration'):
                    ui.label('Only administrators can manage users.').classes('text-h6')
                return
            result = builder(**{**kwargs, 'user': user})
            if helpers.should_await(result):
                await result

        return super()._render_page(dataclasses.replace(match, builder=gated))

    def _render_404(self) -> None:
        if self._router.current_path.startswith(session.COMPLETE_PATH):
            return  # served over HTTP: the browser loads it as a whole page right away
        self.shell.hide()
        with page('Page not found'):
            ui.link('Go to MySafe', '/mysafe')

    def _to_login(self, path: str) -> None:
        self.shell.hide()
        ui.navigate.to(session.login_path(path))


@contextmanager
def page(title: str, *, width: str = '', back: tuple[str, str] | None = None) -> Iterator[ui.column]:
    """The one page wrapper: a padded column with the page's heading (an h1); `back` is (path, label) of
    an arrow button before the heading."""
    with ui.column().classes(f'w-full q-pa-md {width}') as column:
        with ui.row().classes('items-center gap-2 q-mb-sm'):
            if back:
                path, label = back
                button = ui.button(icon='arrow_back', on_click=lambda: ui.navigate.to(path)).props('flat round')
                button.props['aria-label'] = label
                button.tooltip(label)
            ui.label(title).classes('text-h5').props('role=heading aria-level=1')
        yield column


class Shell:
    """Built once by the root page; the router shows it for logged-in users and hides it otherwise."""

    def __init__(self) -> None:
        skip = ui.link('Skip to main content', f'#{MAIN_ID}').classes('skip-link')
        skip.props['aria-label'] = 'Skip to main content'
        with ui.header(elevated=True).classes('items-center bg-primary text-white px-2 py-1') as self.header:
            with ui.button(icon='apps').props('flat round color=white aria-label="Grid Menu"') as grid:
                ui.tooltip('Grid Menu')
                with ui.menu().props('aria-label="Modules"') as self.grid_menu:
                    _menu_link('MySafe', 'lock', '/mysafe')
                    _menu_link('Access keys', 'vpn_key', '/access-keys')
                    _menu_link('Audit', 'history', '/audit')
                    self.admin_link = _menu_link('Administration', 'admin_panel_settings', '/admin/users')
            self.grid_button = grid
            ui.label('MySafe').classes('text-h6 q-ml-sm')
            ui.space()
            with ui.button(icon='account_circle').props('flat no-caps color=white') as self.user_button:
                with ui.menu() as self.user_menu:
                    menu_item('Change password', on_click=lambda: ui.navigate.to('/password'))
                    menu_item('Two-factor authentication', on_click=lambda: ui.navigate.to('/two-factor'))
                    menu_item('Log out', on_click=self._log_out)
        with ui.left_drawer(value=False, bordered=True).props('width=220') as self.drawer:
            with ui.element('nav').props('aria-label="MySafe menu"').classes('w-full q-py-sm'):
                ui.label('MySafe').classes('text-overline q-px-md q-pt-md')
                with ui.element('div').classes('w-full'):
                    self.side_links = {path: _side_link(label, icon, path) for label, icon, path in (
                        ('Home', 'home', '/mysafe'), ('API secrets', 'vpn_key', '/mysafe/api-secrets'))}
        context.client.sub_pages_router.on_path_changed(self._mark_current)
        self.hide()

    def enter(self, user: UserInfo) -> None:
        """Show the frame for the logged-in user."""
        self.user_button.text = user.display_name
        self.user_button.props['aria-label'] = f'User menu: {user.display_name}'
        self.admin_link.set_visibility(user.is_admin)
        self._mark_current(context.client.sub_pages_router.current_path)
        self.header.set_visibility(True)
        self.drawer.show()

    def hide(self) -> None:
        self.header.set_visibility(False)
        self.drawer.hide()

    def _mark_current(self, path: str) -> None:
        current = path.split('?')[0]
        for link_path, link in self.side_links.items():
            link.props['aria-current'] = 'page' if current == link_path else None
            link.update()

    async def _log_out(self) -> None:
        await session.log_out()
        self.hide()
        ui.navigate.to('/login')


def _menu_link(label: str, icon: str, path: str) -> ui.menu_item:
    with menu_item(on_click=lambda: ui.navigate.to(path)) as item:
        with ui.row().classes('items-center no-wrap gap-2'):
            ui.icon(icon)
            ui.label(label)
    return item


def _side_link(label: str, icon: str, path: str) -> ui.item:
    # A real link: the single-page router follows it, and it can be opened in a new tab.
    with ui.item().props('clickable tag=a role=link') as item:
        item.props['href'] = path
        with ui.item_section().props('avatar'):
            ui.icon(icon)
        with ui.item_section():
            ui.label(label)
    return item

