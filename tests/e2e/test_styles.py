"""The utility classes the pages are laid out with are styled: UnoCSS's runtime makes their CSS in the browser
(main.py: Tailwind's runtime read the whole page again on every update of it)."""
from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect


def test_the_details_and_the_list_are_laid_out_by_their_classes(logged_in: Callable[..., Page]) -> None:
    page = logged_in('alice', '/mysafe/api-secrets')
    expect(page.locator('main tbody tr').first).to_be_visible()  # the table shows with its first page
    toolbar = page.get_by_role('main').locator('.gap-2').filter(has=page.get_by_role('button', name='Show filters'))
    expect(toolbar).to_have_css('column-gap', '8px')  # gap-2: 0.5rem
    main_width = page.get_by_role('main').locator('.q-table__container').evaluate(
        'table => table.getBoundingClientRect().width / table.parentElement.clientWidth')
    assert main_width > 0.95  # w-full

    page.get_by_role('button', name='View API secret').first.click()
    terms = page.get_by_role('main').locator('dl')
    expect(terms).to_have_css('display', 'grid')
    expect(terms).to_have_css('column-gap', '16px')  # gap-x-4
    first_column = terms.evaluate("dl => getComputedStyle(dl).gridTemplateColumns.split(' ')[0]")
    assert first_column == '160px'  # grid-cols-[10rem_1fr]: an arbitrary value, made from the class name
