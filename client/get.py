"""`python main.py get ID_OR_IDENTIFIER [--field ...]`: read one API secret from a running server through the
REST API (SPEC sections 5 and 7) with the access key in MYSAFE_ACCESS_KEY, and print it.

Exit codes: 0 printed; 1 not found or outside the key's scope; 2 bad usage or configuration (also an
Identifier that matches several secrets); 3 key refused; 4 any other error of the server or the network.
Nothing printed on failure holds the key: messages come from the server's error bodies or name the problem.
"""
from __future__ import annotations

import json
import os
import re
import sys
import urllib.error
import urllib.request
from urllib.parse import quote, urlencode, urlsplit

OK, NOT_FOUND, USAGE, REFUSED, FAILED = 0, 1, 2, 3, 4
_KEY = re.compile(r'[\x21-\x7e]+')  # printable ASCII, no spaces: anything else cannot be a key (nor be echoed)
ASKS_PASSWORD = 'asks for a password'
TIMEOUT = 30


class Failure(Exception):
    """Why `get` stops, and its exit code."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def run(secret: str, field: str = 'client_secret', environ: dict[str, str] | None = None) -> int:
    """Print the field of the API secret named by ID or Identifier; returns the exit code."""
    env = os.environ if environ is None else environ
    try:
        api = Api(*_configuration(env))
        item = _resolve(api, secret)
        if field == 'client_id':
            value = item['client_id']
        elif field == 'url':
            value = item['url']
        else:
            client_secret = api.get(f'/api-secrets/{item["id"]}/client-secret')['client_secret']
            value = client_secret if field == 'client_secret' else json.dumps(
                {**item, 'client_secret': client_secret}, indent=2)
    except Failure as failure:
        print(f'mysafe: {failure}', file=sys.stderr)
        return failure.code
    print(value)
    return OK


class Api:
    """GET requests to /api/v1 with the key, following no redirect (a redirect would carry the key along)."""

    def __init__(self, base_url: str, key: str) -> None:
        self.base_url, self._key = base_url, key
        self._opener = urllib.request.build_opener(_NoRedirect())

    def get(self, path: str, query: dict | None = None) -> dict:
        url = f'{self.base_url}/api/v1{path}' + (f'?{urlencode(query)}' if query else '')
        request = urllib.request.Request(url, headers={'Accept': 'application/json'})
        request.add_unredirected_header('Authorization', f'Bearer {self._key}')
        try:
            with self._opener.open(request, timeout=TIMEOUT) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            raise _refusal(error.code, _message(error)) from None
        except urllib.error.URLError as error:
            raise Failure(FAILED, f'cannot reach {self.base_url}: {error.reason}') from None
        except (OSError, ValueError) as error:  # timeouts, broken answers; the text never holds the key
            raise Failure(FAILED, f'the request to {self.base_url} failed ({type(error).__name__})') from None


def _configuration(env) -> tuple[str, str]:
    base_url = env.get('MYSAFE_URL', '').strip().rstrip('/')
    parts = urlsplit(base_url)
    if parts.scheme not in ('http', 'https') or not parts.hostname:
        raise Failure(USAGE, 'set MYSAFE_URL to the address of the MySafe server, e.g. https://mysafe.example.com')
    key = env.get('MYSAFE_ACCESS_KEY', '').strip()
    if not key:
        raise Failure(USAGE, 'set MYSAFE_ACCESS_KEY to an access key (create one under Access keys)')
    if not _KEY.fullmatch(key):
        raise Failure(USAGE, 'MYSAFE_ACCESS_KEY is not an access key')
    if parts.scheme == 'http' and parts.hostname not in ('127.0.0.1', 'localhost', '::1'):
        print('mysafe: warning: MYSAFE_URL is not https, so the access key travels in clear', file=sys.stderr)
    return base_url, key


def _resolve(api: Api, secret: str) -> dict:
    """The item named by ID (digits) or else by Identifier; several matching Identifiers are an error."""
    secret = secret.strip()
    if not secret:
        raise Failure(USAGE, 'name the API secret by its ID or its Identifier')
    if secret.isascii() and secret.isdigit() and len(secret) < 19:
        try:
            return api.get(f'/api-secrets/{quote(secret)}')
        except Failure as failure:
            if failure.code != NOT_FOUND:
                raise  # else it may be an Identifier made of digits
    found = api.get('/api-secrets', {'identifier': secret, 'per_page': 100})
    if found['total'] == 1:
        return found['items'][0]
    if found['total'] == 0:
        raise Failure(NOT_FOUND, 'API secret not found (or not one this access key may read)')
    ids = ', '.join(str(item['id']) for item in found['items'])
    raise Failure(USAGE, f'{found["total"]} API secrets have this Identifier (IDs {ids}): name one by its ID')


def _refusal(status: int, message: str) -> Failure:
    if status == 404 or (status == 403 and ASKS_PASSWORD in message):
        return Failure(NOT_FOUND, message)
    if status in (401, 403, 429):
        return Failure(REFUSED, f'the access key was refused: {message}')
    if status == 422:
        return Failure(USAGE, message)
    return Failure(FAILED, f'the server answered {status}: {message}')


def _message(error: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(error.read(4096))
        return str(body['error'])[:500]
    except (ValueError, KeyError, TypeError, OSError):
        return error.reason if isinstance(error.reason, str) else 'no message'


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # the 3xx becomes an HTTPError: check MYSAFE_URL
