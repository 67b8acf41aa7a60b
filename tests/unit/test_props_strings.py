"""No value reaches the browser through a NiceGUI props *string* (issue 6): NiceGUI parses that string, and a
prop whose name starts with ':' runs as JavaScript. ui/ passes only literal strings to `.props(...)`;
values go in as `element.props['name'] = value`."""
from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / 'ui'


def formatted_props_calls(source: str, filename: str) -> list[str]:
    """Every `.props(...)` call whose string argument is built at run time (f-string, %, +, .format, a name)."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == 'props':
            for argument in [*node.args, *(keyword.value for keyword in node.keywords)]:
                if not (isinstance(argument, ast.Constant) and isinstance(argument.value, str)):
                    found.append(f'{filename}:{node.lineno}: {ast.unparse(node)}')
    return found


def test_ui_passes_only_literal_strings_to_props() -> None:
    offenders = [line for path in sorted(UI.rglob('*.py'))
                 for line in formatted_props_calls(path.read_text(), str(path.relative_to(UI.parent)))]
    assert offenders == []


def test_the_check_finds_what_it_must() -> None:
    source = '''
button.props(f'aria-label="Remove access of {name}"')
button.props('aria-label="%s"' % name)
button.props('flat ' + extra)
button.props(label)
button.props('flat round dense')
button.props(remove='fill-input')
'''
    assert len(formatted_props_calls(source, 'example.py')) == 4
