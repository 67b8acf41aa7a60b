"""Settings read from the environment (SPEC section 5), checked before anything starts."""
from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from .crypto import decode_key
from .errors import ConfigError

DEFAULT_HOST = '127.0.0.1'
DEFAULT_PORT = 8080
DEFAULT_REVEAL_SECONDS = 60
DEFAULT_CLIPBOARD_SECONDS = 30
MAX_GUARD_SECONDS = 3600


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    host: str
    port: int
    master_key_b64: str | None
    key_file: Path
    storage_secret: str | None
    secure_cookies: bool = False
    trusted_proxies: tuple[str, ...] = ()  # whose X-Forwarded-For is believed; none by default
    reveal_seconds: int = DEFAULT_REVEAL_SECONDS  # Protected information closes itself after this
    clipboard_seconds: int = DEFAULT_CLIPBOARD_SECONDS  # a copied value is cleared from the clipboard after this
    prepared_statements: bool = True  # on PostgreSQL (store/prepared.py); off behind a transaction-mode pooler

    @property
    def storage_secret_file(self) -> Path:
        return self.data_dir / 'storage.secret'

    @property
    def sessions_dir(self) -> Path:
        return self.data_dir / 'sessions'


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read MYSAFE_* variables; raise ConfigError naming the variable when one is unusable."""
    env = _Checked(os.environ if environ is None else environ)
    data_dir = Path(env.get('MYSAFE_DATA_DIR') or './data').expanduser().resolve()
    database_url = env.get('MYSAFE_DATABASE_URL') or f'sqlite:///{data_dir / "mysafe.db"}'
    if not database_url.startswith(('sqlite:///', 'postgresql://', 'postgres://')):
        raise ConfigError('MYSAFE_DATABASE_URL must start with sqlite:/// or postgresql:// '
                          f'(got {database_url.split(":", 1)[0]!r})')
    port_text = env.get('MYSAFE_PORT') or str(DEFAULT_PORT)
    try:
        port = int(port_text)
    except ValueError:
        raise ConfigError(f'MYSAFE_PORT must be a number from 1 to 65535 (got {port_text!r})') from None
    if not 1 <= port <= 65535:
        raise ConfigError(f'MYSAFE_PORT must be a number from 1 to 65535 (got {port_text!r})')
    master_key_b64 = env.get('MYSAFE_MASTER_KEY') or None
    if master_key_b64:
        decode_key(master_key_b64, 'MYSAFE_MASTER_KEY')  # a bad key stops start-up before the database is touched
    key_file = Path(env.get('MYSAFE_KEY_FILE') or data_dir / 'master.key').expanduser().resolve()
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        host=env.get('MYSAFE_HOST') or DEFAULT_HOST,
        port=port,
        master_key_b64=master_key_b64,
        key_file=key_file,
        storage_secret=env.get('MYSAFE_STORAGE_SECRET') or None,
        secure_cookies=_flag(env, 'MYSAFE_SECURE_COOKIES', False),
        trusted_proxies=_networks(env.get('MYSAFE_TRUSTED_PROXIES') or '', 'MYSAFE_TRUSTED_PROXIES'),
        reveal_seconds=_seconds(env, 'MYSAFE_REVEAL_SECONDS', DEFAULT_REVEAL_SECONDS),
        clipboard_seconds=_seconds(env, 'MYSAFE_CLIPBOARD_SECONDS', DEFAULT_CLIPBOARD_SECONDS),
        prepared_statements=_flag(env, 'MYSAFE_PREPARED_STATEMENTS', True),
    )


def _flag(env: _Checked, name: str, default: bool) -> bool:
    """true/false (1/0, yes/no); ConfigError naming the variable otherwise."""
    text = (env.get(name) or str(default)).strip().lower()
    if text not in ('true', 'false', '1', '0', 'yes', 'no'):
        raise ConfigError(f'{name} must be true or false (got {text!r})')
    return text in ('true', '1', 'yes')


def _seconds(env: _Checked, name: str, default: int) -> int:
    """A whole number of seconds from 1 to MAX_GUARD_SECONDS (ConfigError naming the variable)."""
    text = (env.get(name) or str(default)).strip()
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_GUARD_SECONDS:
        raise ConfigError(f'{name} must be a whole number of seconds from 1 to {MAX_GUARD_SECONDS} (got {text!r})')
    return int(text)


def _networks(text: str, variable: str) -> tuple[str, ...]:
    """Addresses and CIDR ranges separated by commas or spaces; ConfigError naming `variable` for a bad one."""
    networks = []
    for item in text.replace(',', ' ').split():
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise ConfigError(f'{variable} must list IP addresses or CIDR ranges, e.g. 10.0.0.5,10.1.0.0/16 '
                              f'(got {item!r})') from None
    return tuple(networks)


class _Checked(dict):
    """The environment, each value checked when it is read (`_checked`)."""

    def get(self, name: str, default: str | None = None) -> str | None:
        value = super().get(name, default)
        return _checked(name, value) if isinstance(value, str) else value


def _checked(name: str, value: str) -> str:
    """A MYSAFE_* value as text a path, URL or key can hold: no NUL or other control character, no
    undecodable byte, within 4096 characters (ConfigError naming the variable)."""
    if len(value) > 4096:
        raise ConfigError(f'{name} must be at most 4096 characters')
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ConfigError(f'{name} must not contain control characters (such as NUL or a line break)')
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
        raise ConfigError(f'{name} must be valid UTF-8 text')
    return value
