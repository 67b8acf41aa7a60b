"""One function per field (SPEC section 2), shared by the forms and the command line.

Each returns the cleaned value or raises ValueError with the message shown next to the field.
"""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from .errors import ValidationError
from .records import METHODS, ApiSecretInput

MAX_TAGS = 20
MAX_TAG_LENGTH = 32
MIN_PASSWORD_LENGTH = 12
_USERNAME = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$')


def validate_name(value: str) -> str:
    value = _single_line(value, 'Name')
    if not value:
        raise ValueError('Name is required')
    if len(value) > 255:
        raise ValueError('Name must be at most 255 characters')
    return value


def validate_url(value: str) -> str:
    value = (value or '').strip()
    if not value:
        raise ValueError('URL is required')
    if len(value) > 2048:
        raise ValueError('URL must be at most 2048 characters')
    if any(ch.isspace() or unicodedata.category(ch) == 'Cc' for ch in value):
        raise ValueError('URL must not contain spaces')
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ValueError('Enter an absolute http or https URL, e.g. https://api.example.com') from None
    if parts.scheme.lower() not in ('http', 'https') or not parts.hostname:
        raise ValueError('Enter an absolute http or https URL, e.g. https://api.example.com')
    return value


def validate_client_id(value: str) -> str:
    value = _single_line(value, 'Client ID')
    if not value:
        raise ValueError('Client ID is required')
    if len(value) > 1024:
        raise ValueError('Client ID must be at most 1024 characters')
    return value


def validate_client_secret(value: str) -> str:
    value = value or ''
    if len(value) > 8192:
        raise ValueError('Client secret must be at most 8192 characters')
    return value


def validate_identifier(value: str) -> str | None:
    value = _single_line(value, 'Identifier')
    if len(value) > 255:
        raise ValueError('Identifier must be at most 255 characters')
    return value or None


def validate_method(value: str) -> str:
    value = (value or '').strip().upper()
    if value not in METHODS:
        raise ValueError(f'Method must be one of {", ".join(METHODS)}')
    return value


def validate_tags(value: str | list[str]) -> list[str]:
    items = value.split(',') if isinstance(value, str) else list(value or [])
    tags: list[str] = []
    for item in items:
        tag = _single_line(str(item), 'Tags')
        if not tag:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise ValueError(f'Each tag must be at most {MAX_TAG_LENGTH} characters')
        if tag.lower() not in (t.lower() for t in tags):
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ValueError(f'At most {MAX_TAGS} tags')
    return tags


def validate_notes(value: str) -> str:
    value = (value or '').strip()
    if len(value) > 4000:
        raise ValueError('Notes must be at most 4000 characters')
    return value


def validate_username(value: str) -> str:
    value = (value or '').strip()
    if not value:
        raise ValueError('Username is required')
    if not _USERNAME.match(value):
        raise ValueError('Username: 1-64 letters, digits, dots, dashes, underscores or @, '
                         'starting with a letter or digit')
    return value


def validate_display_name(value: str, username: str) -> str:
    value = _single_line(value, 'Display name')
    if len(value) > 128:
        raise ValueError('Display name must be at most 128 characters')
    return value or username


def validate_new_password(password: str, confirmation: str | None = None) -> str:
    if len(password or '') < MIN_PASSWORD_LENGTH:
        raise ValueError(f'Password must be at least {MIN_PASSWORD_LENGTH} characters')
    if len(password) > 1024:
        raise ValueError('Password must be at most 1024 characters')
    if confirmation is not None and confirmation != password:
        raise ValueError('The passwords do not match')
    return password


def clean_api_secret(data: ApiSecretInput) -> dict:
    """Validate every field at once; raise ValidationError with one message per bad field."""
    checks = {
        'name': (validate_name, data.name),
        'url': (validate_url, data.url),
        'client_id': (validate_client_id, data.client_id),
        'client_secret': (validate_client_secret, data.client_secret),
        'identifier': (validate_identifier, data.identifier),
        'method': (validate_method, data.method),
        'tags': (validate_tags, data.tags),
        'notes': (validate_notes, data.notes),
        'ask_password': (bool, data.ask_password),
    }
    return run_checks(checks)


def run_checks(checks: dict) -> dict:
    cleaned, errors = {}, {}
    for field, (check, value) in checks.items():
        try:
            cleaned[field] = check(value)
        except ValueError as exc:
            errors[field] = str(exc)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _single_line(value: str, label: str) -> str:
    value = (value or '').strip()
    if any(unicodedata.category(ch) == 'Cc' for ch in value):
        raise ValueError(f'{label} must be a single line of text')
    return value
