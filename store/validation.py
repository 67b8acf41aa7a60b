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
MAX_TAGS_TEXT = 2000  # the Tags field as typed: 20 tags of 32 characters and their separators, with room to spare
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
MAX_USERNAME_LENGTH = 64
MAX_FILTER_LENGTH = 255
MAX_DISPLAY_NAME_LENGTH = 128
# The longest value each field of an API secret may hold (SPEC section 2); forms cap typing one beyond it.
LIMITS = {'name': 255, 'url': 2048, 'client_id': 1024, 'client_secret': 8192, 'identifier': 255,
          'tags': MAX_TAGS_TEXT, 'notes': 4000}
_USERNAME = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$')
_SURROGATE = re.compile('[\ud800-\udfff]')
_MULTI_LINE_CONTROLS = '\n\r\t'
# Scripts whose letters look alike: an Identifier mixing them could pass for another one ('stripе' with a Cyrillic е).
_CONFUSABLE_SCRIPTS = ('LATIN', 'CYRILLIC', 'GREEK', 'ARMENIAN', 'CHEROKEE', 'COPTIC')


def validate_name(value: str) -> str:
    value = name_text(value, 'Name', LIMITS['name'])
    if not value:
        raise ValueError('Name is required')
    return value


def validate_url(value: str) -> str:
    value = text(value, 'URL', LIMITS['url']).strip()
    if not value:
        raise ValueError('URL is required')
    if any(ch.isspace() or unicodedata.category(ch) == 'Cc' for ch in value):
        raise ValueError('URL must not contain spaces')
    if any(unicodedata.category(ch) == 'Cf' for ch in value):
        raise ValueError('URL must not contain invisible or text-direction characters')
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ValueError('Enter an absolute http or https URL, e.g. https://api.example.com') from None
    if parts.scheme.lower() not in ('http', 'https') or not parts.hostname:
        raise ValueError('Enter an absolute http or https URL, e.g. https://api.example.com')
    return value


def validate_client_id(value: str) -> str:
    value = single_line(value, 'Client ID', LIMITS['client_id'])
    if not value:
        raise ValueError('Client ID is required')
    return value


def validate_client_secret(value: str) -> str:
    return multi_line(value, 'Client secret', LIMITS['client_secret'])


def validate_identifier(value: str) -> str | None:
    value = name_text(value, 'Identifier', LIMITS['identifier'])
    scripts = sorted({script for script in map(_script, value) if script in _CONFUSABLE_SCRIPTS})
    if len(scripts) > 1:
        raise ValueError(f'Identifier mixes {" and ".join(name.title() for name in scripts)} letters: '
                         'letters that look alike would let two Identifiers read the same. Use one alphabet.')
    return value or None


def validate_method(value: str) -> str:
    value = text(value, 'Method', 16).strip().upper()
    if value not in METHODS:
        raise ValueError(f'Method must be one of {", ".join(METHODS)}')
    return value


def validate_tags(value: str | list[str]) -> list[str]:
    if isinstance(value, (list, tuple)):
        if len(value) > MAX_TAGS * 5:
            raise ValueError(f'At most {MAX_TAGS} tags')
        items = [text(item, 'Tags', MAX_TAGS_TEXT) for item in value]
    else:
        items = text(value, 'Tags', MAX_TAGS_TEXT).split(',')
    tags: list[str] = []
    for item in items:
        tag = name_text(item, 'Tags', MAX_TAGS_TEXT)
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
    return multi_line(value, 'Notes', LIMITS['notes']).strip()


def validate_username(value: str) -> str:
    value = text(value, 'Username', MAX_USERNAME_LENGTH).strip()
    if not value:
        raise ValueError('Username is required')
    if not _USERNAME.match(value):
        raise ValueError('Username: 1-64 letters, digits, dots, dashes, underscores or @, '
                         'starting with a letter or digit')
    return value


def validate_display_name(value: str, username: str) -> str:
    value = name_text(value, 'Display name', MAX_DISPLAY_NAME_LENGTH)
    return value or username


def validate_new_password(password: str, confirmation: str | None = None) -> str:
    password = text(password, 'Password', MAX_PASSWORD_LENGTH)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f'Password must be at least {MIN_PASSWORD_LENGTH} characters')
    if confirmation is not None and confirmation != password:
        raise ValueError('The passwords do not match')
    return password


def validate_login_username(value: str) -> str:
    """The Username typed on the log-in page: anything a username could be, or a field message."""
    return single_line(value, 'Username', MAX_USERNAME_LENGTH)


def validate_login_password(value: str) -> str:
    """A password typed to log in or to confirm: no stored password is longer, or holds what text cannot."""
    return text(value, 'Password', MAX_PASSWORD_LENGTH)


def validate_filter_text(value: str, label: str) -> str:
    """A text filter or search term: one line, within the limit."""
    return single_line(value, label, MAX_FILTER_LENGTH)


def clean_api_secret(data: ApiSecretInput) -> dict:
    """Validate every field at once; raise ValidationError with one message per bad field."""
    if not isinstance(data, ApiSecretInput):
        raise ValidationError({'form': 'The form did not send the fields of an API secret'})
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


def text(value: object, label: str, limit: int) -> str:
    """The value as text ('' for None), checked for what no field may hold, length first.

    ValueError with the field's message for: not text, over `limit` characters, NUL, or a lone
    surrogate (which no database can store and UTF-8 cannot encode).
    """
    if value is None:
        return ''
    if not isinstance(value, str):
        raise ValueError(f'{label} must be text')  # noqa: TRY004 - a field message like the others
    if len(value) > limit and len(value.strip()) > limit:
        raise ValueError(f'{label} must be at most {limit} characters')
    if '\x00' in value:
        raise ValueError(f'{label} must not contain NUL characters')
    if _SURROGATE.search(value):
        raise ValueError(f'{label} contains a character that cannot be stored (a lone surrogate)')
    return value


def text_or_empty(value: object) -> str:
    """Text the server itself supplies for the audit (client address, browser): stored as it can be, never refused."""
    if not isinstance(value, str):
        return ''
    return _SURROGATE.sub('\ufffd', value.replace('\x00', ''))


def single_line(value: object, label: str, limit: int) -> str:
    """One line of text, stripped; control characters are refused."""
    value = text(value, label, limit).strip()
    for ch in value:
        if unicodedata.category(ch) == 'Cc':
            if ch in _MULTI_LINE_CONTROLS or ch in '\x0b\x0c\x1c\x1d\x1e\x85':
                raise ValueError(f'{label} must be a single line of text')
            raise ValueError(f'{label} must not contain control characters')
        if unicodedata.category(ch) in ('Zl', 'Zp'):
            raise ValueError(f'{label} must be a single line of text')
    return value


def multi_line(value: object, label: str, limit: int) -> str:
    """Text that may hold line breaks and tabs, but no other control characters."""
    value = text(value, label, limit)
    if any(unicodedata.category(ch) == 'Cc' and ch not in _MULTI_LINE_CONTROLS for ch in value):
        raise ValueError(f'{label} must not contain control characters')
    return value


def name_text(value: object, label: str, limit: int) -> str:
    """A name people tell apart by sight: one line, NFC-normalised, without invisible characters
    (zero-width spaces, joiners, byte-order marks) or text-direction controls (which display text reversed)."""
    value = unicodedata.normalize('NFC', single_line(value, label, limit))
    if any(unicodedata.category(ch) == 'Cf' for ch in value):
        raise ValueError(f'{label} must not contain invisible or text-direction characters '
                         '(such as zero-width spaces or right-to-left marks)')
    if len(value) > limit:
        raise ValueError(f'{label} must be at most {limit} characters')
    return value


def _script(ch: str) -> str:
    """The script of a letter as Unicode names it (LATIN, CYRILLIC, ...); '' for anything else."""
    if not ch.isalpha():
        return ''
    return unicodedata.name(ch, '').split(' ', 1)[0]
