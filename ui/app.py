"""The single page of the app: one frame, and client-side routing to every screen (SPEC section 1)."""
from __future__ import annotations

from nicegui import context, ui

from .frame import Router, Shell
from .pages import (access_keys, admin_users, api_secret_details, api_secret_form, api_secrets_list, audit, home, login,
                    password, setup, two_factor)


def root() -> None:
    ui.page_title('MySafe')
    # Darker than Quasar's defaults, so white-on-primary and links meet WCAG AA contrast (4.5:1).
    ui.colors(primary='#1d4ed8', secondary='#0f766e', accent='#6d28d9', positive='#15803d', negative='#b91c1c')
    # Quasar's page-loading bar is a progressbar without a name; give it one when it appears.
    ui.add_body_html('<script>new MutationObserver(() => document.querySelectorAll(".q-loading-bar:not([aria-label])")'
                     '.forEach(bar => bar.setAttribute("aria-label", "Loading"))).observe(document.body, '
                     '{childList: true, subtree: true});</script>')
    ui.add_css('a.nicegui-link, a.nicegui-link:visited { color: #1d4ed8; } .q-tooltip { background: #374151; }'
               '.skip-link { position: absolute; left: -10000px; top: 0; z-index: 9999; background: #fff; '
               'padding: 8px; }'
               '.skip-link:focus { left: 8px; }' + api_secrets_list.ROW_CSS)
    ui.on_exception(_unexpected)
    shell = Shell()
    Router({
        '/': _to_home,
        '/setup': setup.create,
        '/login': login.create,
        '/mysafe': home.create,
        '/mysafe/api-secrets': api_secrets_list.create,
        '/mysafe/api-secrets/new': api_secret_form.create_new,
        '/mysafe/api-secrets/{secret_id}': api_secret_details.create,
        '/mysafe/api-secrets/{secret_id}/edit': api_secret_form.create_edit,
        '/access-keys': access_keys.create,
        '/audit': audit.create,
        '/admin/users': admin_users.create,
        '/two-factor': two_factor.create,
        '/password': password.create,
    }, shell).classes('w-full')


def _to_home() -> None:
    # '/' is the prefix of every path: only the bare root goes home; anything else no route takes is not found
    if not context.client.sub_pages_router.current_path.split('?')[0].strip('/'):
        ui.navigate.to('/mysafe')


def _unexpected(error: Exception) -> None:
    """The net under `store_call.call`: what nobody expected is logged (by NiceGUI) and the person told,
    without the error's text, which may name internals."""
    ui.notify('Something went wrong. Please try again; if it persists, tell your administrator.', type='negative')
