"""The frame around every page: top bar with the Grid Menu and user menu, and the MySafe side menu."""
from __future__ import annotations

from nicegui import context, ui

from store import accounts
from store.errors import NotAuthenticated
from store.records import UserInfo

from . import session
from .components.menus import menu_item


class Shell:
    """Built once by the root page; each sub-page shows or hides it and names its section."""

    def __init__(self) -> None:
        with ui.header(elevated=True).classes('items-center bg-primary text-white px-2 py-1') as self.header:
            with ui.button(icon='apps').props('flat round color=white aria-label="Grid Menu"') as grid:
                ui.tooltip('Grid Menu')
                with ui.menu().props('aria-label="Modules"') as self.grid_menu:
                    _menu_link('MySafe', 'lock', '/mysafe')
                    _menu_link('Audit', 'history', '/audit')
                    self.admin_link = _menu_link('Administration', 'admin_panel_settings', '/admin/users')
            self.grid_button = grid
            ui.label('MySafe').classes('text-h6 q-ml-sm')
            ui.space()
            with ui.button(icon='account_circle').props('flat no-caps color=white') as self.user_button:
                with ui.menu():
                    menu_item('Log out', on_click=self._log_out)
        with ui.left_drawer(value=False, bordered=True).props('width=220') as self.drawer:
            with ui.element('nav').props('aria-label="MySafe menu"').classes('w-full q-py-sm'):
                ui.label('MySafe').classes('text-overline q-px-md q-pt-md')
                with ui.element('div').classes('w-full'):
                    self.side_links = {path: _side_link(label, icon, path) for label, icon, path in (
                        ('Home', 'home', '/mysafe'), ('API secrets', 'vpn_key', '/mysafe/api-secrets'))}
        self.hide()

    def enter(self) -> UserInfo | None:
        """Show the frame for the logged-in user, or send a logged-out visitor to log in and back."""
        user = session.current_user()
        if user is None:
            self.hide()
            ui.navigate.to(session.login_path(context.client.sub_pages_router.current_path))
            return None
        self.user_button.text = user.display_name
        self.user_button.props['aria-label'] = f'User menu: {user.display_name}'
        self.admin_link.set_visibility(user.is_admin)
        current = context.client.sub_pages_router.current_path.split('?')[0]
        for path, link in self.side_links.items():
            link.props['aria-current'] = 'page' if current == path else None
        self.header.set_visibility(True)
        self.drawer.show()
        return user

    def hide(self) -> None:
        self.header.set_visibility(False)
        self.drawer.hide()

    def _log_out(self) -> None:
        try:
            accounts.log_out(session.actor())
        except NotAuthenticated:
            pass  # the session had already ended: logging out is what the user wants anyway
        session.end()
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
    with ui.item().props(f'clickable tag=a href={path} role=link') as item:
        with ui.item_section().props('avatar'):
            ui.icon(icon)
        with ui.item_section():
            ui.label(label)
    return item
