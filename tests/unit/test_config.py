"""Configuration from the environment (SPEC section 5): defaults, and a clear error for each bad value."""
from __future__ import annotations

import pytest

from store import config
from store.errors import ConfigError


def test_defaults_serve_sqlite_in_the_data_dir_on_localhost(tmp_path):
    settings = config.load_settings({'MYSAFE_DATA_DIR': str(tmp_path)})
    assert settings.database_url == f'sqlite:///{tmp_path / "mysafe.db"}'
    assert (settings.host, settings.port, settings.key_file) == ('127.0.0.1', 8080, tmp_path / 'master.key')
    assert settings.secure_cookies is False


@pytest.mark.parametrize('text, expected', [('true', True), ('1', True), ('YES', True), ('false', False),
                                            ('0', False), ('no', False)])
def test_secure_cookies_reads_true_and_false(tmp_path, text, expected):
    assert config.load_settings({'MYSAFE_DATA_DIR': str(tmp_path), 'MYSAFE_SECURE_COOKIES': text}) \
        .secure_cookies is expected


def test_a_secure_cookies_value_that_is_not_a_boolean_is_refused_by_name(tmp_path):
    with pytest.raises(ConfigError, match='MYSAFE_SECURE_COOKIES'):
        config.load_settings({'MYSAFE_DATA_DIR': str(tmp_path), 'MYSAFE_SECURE_COOKIES': 'maybe'})


def test_reveal_and_clipboard_seconds_default_to_60_and_30(tmp_path):
    settings = config.load_settings({'MYSAFE_DATA_DIR': str(tmp_path)})
    assert (settings.reveal_seconds, settings.clipboard_seconds) == (60, 30)
    settings = config.load_settings({'MYSAFE_DATA_DIR': str(tmp_path), 'MYSAFE_REVEAL_SECONDS': '15',
                                     'MYSAFE_CLIPBOARD_SECONDS': ' 5 '})
    assert (settings.reveal_seconds, settings.clipboard_seconds) == (15, 5)


@pytest.mark.parametrize('name', ['MYSAFE_REVEAL_SECONDS', 'MYSAFE_CLIPBOARD_SECONDS'])
@pytest.mark.parametrize('text', ['0', '-5', '3601', 'ten', '1.5', '٣'])
def test_a_reveal_or_clipboard_time_that_is_not_1_to_3600_seconds_is_refused_by_name(tmp_path, name, text):
    with pytest.raises(ConfigError, match=f'{name} must be a whole number of seconds from 1 to 3600'):
        config.load_settings({'MYSAFE_DATA_DIR': str(tmp_path), name: text})


def test_trusted_proxies_are_none_by_default_and_read_as_networks(tmp_path):
    assert config.load_settings({'MYSAFE_DATA_DIR': str(tmp_path)}).trusted_proxies == ()
    settings = config.load_settings({'MYSAFE_DATA_DIR': str(tmp_path),
                                     'MYSAFE_TRUSTED_PROXIES': '10.0.0.5, 10.1.0.0/16 ::1'})
    assert settings.trusted_proxies == ('10.0.0.5/32', '10.1.0.0/16', '::1/128')


@pytest.mark.parametrize('text', ['proxy.example', '10.0.0.300', '10.0.0.0/33'])
def test_a_trusted_proxy_that_is_no_address_stops_start_up_naming_the_variable(tmp_path, text):
    with pytest.raises(ConfigError, match='MYSAFE_TRUSTED_PROXIES'):
        config.load_settings({'MYSAFE_DATA_DIR': str(tmp_path), 'MYSAFE_TRUSTED_PROXIES': text})


def test_prepared_statements_are_on_unless_turned_off_and_a_bad_value_is_refused_by_name(tmp_path):
    def load(**env: str) -> config.Settings:
        return config.load_settings({'MYSAFE_DATA_DIR': str(tmp_path), **env})
    assert load().prepared_statements is True
    assert load(MYSAFE_PREPARED_STATEMENTS='false').prepared_statements is False
    with pytest.raises(ConfigError, match='MYSAFE_PREPARED_STATEMENTS'):
        load(MYSAFE_PREPARED_STATEMENTS='sometimes')
