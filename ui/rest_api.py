"""The REST API for programs (SPEC section 7), served by the same process under /api/v1.

A FastAPI application of its own: its OpenAPI is /api/v1/openapi.json, its errors are `{"error": "message"}`.
It is answered in front of NiceGUI's middleware stack (ui/ahead.py), like /healthz: a program's request makes
no session, no user storage and no cookie, and costs none of the pages' middlewares; its responses carry
headers of their own (API_HEADERS). Every request runs as one unit of work in a worker thread of the API's
own pool; the store authenticates the key and decides what it may read (store/api_reads.py).
"""
from __future__ import annotations

import asyncio
import html
import re
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Annotated, Any

from fastapi import FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from store import api_reads, runtime
from store.errors import (AccessKeyRefused, AccessKeyThrottled, AddressNotAllowed, DatabaseUnavailable,
                          DecryptionError, Forbidden, NotFound, SecretDisabled, StoreError, ValidationError)
from store.records import ApiItem

from . import security_headers
from .ahead import App, Scope, Send, in_front, with_headers

PREFIX = '/api/v1'
DOCS_PATH = '/api/docs'
STATUS = ((AccessKeyRefused, 401), (AccessKeyThrottled, 429), (AddressNotAllowed, 403), (Forbidden, 403),
          (NotFound, 404), (SecretDisabled, 409), (ValidationError, 422), (DatabaseUnavailable, 503))
# Every answer of the API: never kept by a browser or a proxy, never sniffed, framed or rendered as a page.
API_HEADERS = [(b'cache-control', b'no-store'), (b'x-content-type-options', b'nosniff'),
               (b'content-security-policy', b"default-src 'none'; frame-ancestors 'none'"),
               (b'x-frame-options', b'DENY'), (b'referrer-policy', b'no-referrer')]
# The docs page: the pages' headers (it has an inline style sheet), and not kept either.
DOCS_HEADERS = [(name.lower().encode(), value.encode()) for name, value in security_headers.HEADERS.items()] + [
    (b'cache-control', b'no-store')]
WORKERS = 8  # threads that run the API's units of work: enough to overlap PostgreSQL's commits (each waits on disk)
MAX_ID = 2**63 - 1
SecretId = Annotated[int, Path(ge=1, le=MAX_ID, description="The API secret's ID")]
CLIENT_SECRET_PATH = re.compile(r'/api-secrets/([1-9][0-9]{0,18})/client-secret')


class Item(BaseModel):
    id: int
    name: str
    identifier: str | None
    url: str
    client_id: str
    method: str
    tags: list[str]
    enabled: bool


class ItemList(BaseModel):
    items: list[Item]
    total: int


class ClientSecret(BaseModel):
    client_secret: str


class Error(BaseModel):
    error: str


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {'model': Error, 'description': 'Missing, unknown, expired or revoked access key'},
    403: {'model': Error, 'description': "Address outside the key's Allowed IPs"},
    422: {'model': Error, 'description': 'A malformed parameter'},
    429: {'model': Error, 'description': 'Too many failed attempts from this client (see Retry-After)'},
}
ONE = {**ERRORS, 404: {'model': Error, 'description': 'Not an API secret this key may read (or none at all)'}}


def create_api() -> FastAPI:
    """The API application, to mount at PREFIX."""
    api = FastAPI(title='MySafe API', version='1', docs_url=None, redoc_url=None, openapi_url='/openapi.json',
                  servers=[{'url': PREFIX}],
                  description='Read the API secrets chosen for an access key. Every request carries '
                              '`Authorization: Bearer <access key>`.')
    api.add_exception_handler(RequestValidationError, _malformed)
    api.add_exception_handler(StarletteHTTPException, _http_error)
    api.add_exception_handler(Exception, _unexpected)  # logged by the server; the client gets JSON

    @api.get('/api-secrets', response_model=ItemList, responses=ERRORS, summary="The key's API secrets")
    async def list_api_secrets(
            request: Request, identifier: Annotated[str | None, Query(max_length=255)] = None,
            page: Annotated[int, Query(ge=1, le=2**31)] = 1,
            per_page: Annotated[int, Query(ge=1, le=api_reads.MAX_PER_PAGE)] = 30) -> Any:
        result = await _store(request, api_reads.list_secrets, identifier=identifier, page=page, per_page=per_page)
        if isinstance(result, JSONResponse):
            return result
        return _json({'items': [_item(item) for item in result.items], 'total': result.total})

    @api.get('/api-secrets/{secret_id}', response_model=Item, responses=ONE, summary='One API secret')
    async def get_api_secret(request: Request, secret_id: SecretId) -> Any:
        result = await _store(request, api_reads.get_secret, secret_id)
        return result if isinstance(result, JSONResponse) else _json(_item(result))

    @api.get('/api-secrets/{secret_id}/client-secret', response_model=ClientSecret, summary='Its client secret',
             responses={**ONE, 403: {'model': Error, 'description': "Address outside the key's Allowed IPs, or "
                                                                     'the secret asks for a password'},
                        409: {'model': Error, 'description': 'The API secret is disabled'}})
    async def read_client_secret(request: Request, secret_id: SecretId) -> Any:
        """Recorded in the audit as a Reveal by the key's owner, with Details "via access key NAME"."""
        return await client_secret(request, secret_id)

    return api


async def client_secret(request: Request, secret_id: int) -> JSONResponse:
    """The answer to a client-secret read: its value, or the JSON error."""
    result = await _store(request, api_reads.read_client_secret, secret_id)
    return result if isinstance(result, JSONResponse) else _json({'client_secret': result})


def docs_page(api: FastAPI) -> HTMLResponse:
    """A docs page built from the OpenAPI description, with nothing loaded from elsewhere."""
    parts = [f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(api.title)}</title>'
             '<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}'
             'code{background:#f3f4f6;padding:0 .2rem}</style></head><body><main>',
             f'<h1>{html.escape(api.title)}</h1><p>{html.escape(api.description)}</p>',
             f'<p>Machine-readable: <a href="{PREFIX}/openapi.json">OpenAPI description</a>. Errors are '
             '<code>{"error": "message"}</code>; every response carries <code>Cache-Control: no-store</code>.</p>']
    for path, operations in api.openapi()['paths'].items():
        for method, operation in operations.items():
            parts.append(f'<h2><code>{method.upper()} {html.escape(PREFIX + path)}</code></h2>'
                         f'<p>{html.escape(operation.get("summary", ""))}. '
                         f'{html.escape(operation.get("description", ""))}</p>')
            params = operation.get('parameters', [])
            if params:
                parts.append('<p>Parameters: ' + ', '.join(
                    f'<code>{html.escape(p["name"])}</code> ({html.escape(p["in"])})' for p in params) + '</p>')
            parts.append('<ul>' + ''.join(f'<li><code>{html.escape(code)}</code>: '
                                          f'{html.escape(answer.get("description", ""))}</li>'
                                          for code, answer in operation['responses'].items()) + '</ul>')
    parts.append('</main></body></html>')
    return HTMLResponse(''.join(parts))


def install(app: FastAPI) -> None:
    """Answer the API and its docs page in front of NiceGUI's middleware stack (before `ui.run`)."""
    api = create_api()
    in_front(app, 'api', lambda stack: _ApiFirst(stack, api))


class _ApiFirst:
    """/api/v1/... to the API application (as if mounted there), /api/docs to its docs page, the rest to `app`.

    A well-formed client-secret read (what programs send most) is answered by the same endpoint without the
    application's routing, middlewares and parameter checks, which cost the server more than the read itself;
    anything else about it (another method, an ID out of range, a trailing slash) goes to the application,
    which answers as its OpenAPI description says."""

    def __init__(self, app: App, api: FastAPI) -> None:
        self.app = app
        self.api = api

    async def __call__(self, scope: Scope, receive: Any, send: Send) -> None:
        path = scope['path'] if scope['type'] == 'http' else ''
        if path.startswith(PREFIX + '/') and scope['method'] == 'GET' and (secret_id := _client_secret_id(path)):
            await self._client_secret(scope, receive, with_headers(send, API_HEADERS), secret_id)
        elif path == PREFIX or path.startswith(PREFIX + '/'):
            scope = {**scope, 'root_path': scope.get('root_path', '') + PREFIX}
            await self.api(scope, receive, with_headers(send, API_HEADERS))
        elif path == DOCS_PATH:
            if scope['method'] in ('GET', 'HEAD'):
                await docs_page(self.api)(scope, receive, with_headers(send, DOCS_HEADERS))
            else:
                answer = _error(405, 'Method Not Allowed', {'Allow': 'GET'})
                await answer(scope, receive, with_headers(send, API_HEADERS))
        else:
            await self.app(scope, receive, send)

    @staticmethod
    async def _client_secret(scope: Scope, receive: Any, send: Send, secret_id: int) -> None:
        try:
            answer = await client_secret(Request(scope), secret_id)
        except Exception:
            await _error(500, 'Internal server error')(scope, receive, send)
            raise  # for the server's log, like the application's own handler
        await answer(scope, receive, send)


def _client_secret_id(path: str) -> int | None:
    """The ID in a client-secret read's path, when it is one the endpoint accepts."""
    match = CLIENT_SECRET_PATH.fullmatch(path, len(PREFIX))
    return int(match[1]) if match and int(match[1]) <= MAX_ID else None


_workers = ThreadPoolExecutor(WORKERS, thread_name_prefix='mysafe-api')


async def _store(request: Request, service, *args: Any, **kwargs: Any) -> Any:
    """Run `service(token, client_ip, ...)` in a worker thread; a refusal becomes its JSON error."""
    token = _bearer(request.headers.get('authorization', ''))
    client_ip = request.client.host if request.client else ''
    user_agent = request.headers.get('user-agent', '')[:512]
    unit = partial(runtime.unit_of_work, service, token, client_ip, user_agent, *args, **kwargs)
    try:
        return await asyncio.get_running_loop().run_in_executor(_workers, unit)
    except DecryptionError:
        return _error(500, DecryptionError.MESSAGE)
    except StoreError as error:
        status = next((code for kind, code in STATUS if isinstance(error, kind)), 500)
        headers = {}
        if isinstance(error, AccessKeyThrottled):
            headers['Retry-After'] = str(error.retry_after)
        elif status == 401:
            headers['WWW-Authenticate'] = 'Bearer'
        message = ' '.join(error.errors.values()) if isinstance(error, ValidationError) else str(error)
        return _error(status, message, headers)


def _bearer(header: str) -> str | None:
    scheme, _, token = header.partition(' ')
    return token.strip() if scheme.lower() == 'bearer' and token.strip() else None


def _item(item: ApiItem) -> dict:
    return {'id': item.id, 'name': item.name, 'identifier': item.identifier, 'url': item.url,
            'client_id': item.client_id, 'method': item.method, 'tags': item.tags, 'enabled': item.enabled}


def _json(content: Any, status: int = 200, headers: dict | None = None) -> JSONResponse:
    return JSONResponse(content, status_code=status, headers=headers)


def _error(status: int, message: str, headers: dict | None = None) -> JSONResponse:
    return _json({'error': message}, status, headers)


async def _malformed(request: Request, error: RequestValidationError) -> JSONResponse:
    problems = '; '.join(f'{".".join(str(part) for part in e["loc"][1:])}: {e["msg"]}' for e in error.errors())
    return _error(422, f'Malformed parameter: {problems}')


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    return _error(500, 'Internal server error')


async def _http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
    return _error(error.status_code, str(error.detail), getattr(error, 'headers', None))
