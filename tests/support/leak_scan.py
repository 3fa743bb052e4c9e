"""The leak scanner: every place the portal keeps things, read in every form it keeps them in.

`leak_scan(values, traces)` reads every table of the database (whether a model owns it or
not, every column as text), the sessions decoded with the session engine, every key of
every Redis database the portal uses (with the command for its type, Django's pickles and
Celery's message bodies decoded) or the in-process cache, every mail sent (each MIME part
decoded, the HTML error reports with their frames included), the upload folder, the log
output, the cookies of every test client and the headers and Set-Cookie of every response;
it returns each `Leak` (place, where, value) found.

`Traces.record` collects what a test leaves outside the database (log records, test
clients, responses); `within_2_kb` and `messages_cookie` put a value in the encoded form a
place keeps it in, to show a scan able to fail.
"""

from __future__ import annotations

import base64
import binascii
import email
import email.policy
import json
import logging
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.mime.base import MIMEBase
from importlib import import_module
from pathlib import Path
from typing import Any, NamedTuple, cast

import pytest
from django.conf import settings as django_settings
from django.contrib.messages import constants as message_levels
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.sessions.models import Session
from django.core import mail, signing
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisSerializer
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client
from django.utils.log import AdminEmailHandler
from django.views.debug import get_default_exception_reporter_filter

from tests.conftest import REQUIRE_SERVICES, service_required


class Leak(NamedTuple):
    place: str  # table, session, cache, mail, upload, log, cookie, response
    where: str  # which table, key, mail, cookie, header
    value: str


@dataclass
class Traces:
    """What a test leaves outside the database: its log records, its test clients and their responses."""

    caplog: pytest.LogCaptureFixture
    clients: list[Client] = field(default_factory=list)
    responses: list[HttpResponseBase] = field(default_factory=list)

    @classmethod
    def record(cls, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> Traces:
        """From now until `monkeypatch` is undone: every log record, every test client made and every response."""
        caplog.set_level(logging.DEBUG)
        seen = cls(caplog)
        client_init, client_request = Client.__init__, Client.request

        def init(self, *args, **kwargs):
            client_init(self, *args, **kwargs)
            seen.clients.append(self)

        def request(self, **kwargs):
            response = client_request(self, **kwargs)
            seen.responses.append(response)
            return response

        monkeypatch.setattr(Client, "__init__", init)
        monkeypatch.setattr(Client, "request", request)
        return seen


# -- reading a value in every form it is kept in -------------------------------------------------

_SIGNED = re.compile(r"^(\.?[A-Za-z0-9_-]{4,})(:[A-Za-z0-9_-]+){1,2}$")


def _signed_payload(text: str) -> str | None:
    """The payload of a Django-signed value (signing.dumps, a messages cookie), without checking the signature."""
    match = _SIGNED.match(text)
    if match is None:
        return None
    head = match.group(1)
    try:
        data = signing.b64_decode(head.lstrip(".").encode("ascii"))
        if head.startswith("."):
            data = zlib.decompress(data)
    except (ValueError, binascii.Error, zlib.error):
        return None
    return data.decode("latin-1")  # Django's JSONSerializer


def _celery_body(envelope: dict[Any, Any]) -> bytes | None:
    """The body of a Celery/kombu message as it waits in Redis (base64 in a JSON envelope)."""
    properties = envelope.get("properties")
    body = envelope.get("body")
    if isinstance(properties, dict) and properties.get("body_encoding") == "base64" and isinstance(body, str):
        try:
            return base64.b64decode(body)
        except (ValueError, binascii.Error):
            return None
    return None


def readings(value: object, depth: int = 0) -> Iterator[str]:
    """The value as text, and the text of everything it decodes to: JSON, a signed payload, a Celery body."""
    if depth > 8:
        return
    if isinstance(value, bytes | bytearray | memoryview):
        yield from readings(bytes(value).decode("utf-8", "replace"), depth + 1)
        return
    if isinstance(value, str):
        yield value
        stripped = value.strip()
        if stripped[:1] in ("{", "["):
            try:
                yield from readings(json.loads(stripped), depth + 1)
            except ValueError:
                pass
        payload = _signed_payload(stripped)
        if payload is not None:
            yield from readings(payload, depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            yield from readings(key, depth + 1)
            yield from readings(item, depth + 1)
        body = _celery_body(value)
        if body is not None:
            yield from readings(body, depth + 1)
        return
    if isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from readings(item, depth + 1)
        return
    yield repr(value)
    if value is None or isinstance(value, int | float):
        return
    # An object whose repr hides its contents: read its attributes too.
    names = set(getattr(value, "__dict__", {}))
    for klass in type(value).__mro__:
        slots = getattr(klass, "__slots__", ())
        names.update([slots] if isinstance(slots, str) else slots)
    for name in sorted(names):
        if hasattr(value, name):
            yield from readings(getattr(value, name), depth + 1)


def _unpickled(raw: bytes) -> list[object]:
    """Django's cache format (pickles; RedisCache keeps ints raw), when the bytes are in it."""
    try:
        return [RedisSerializer().loads(raw)]
    except Exception:  # noqa: BLE001 - anything that is not Django's format is read as bytes only
        return []


# -- the places ------------------------------------------------------------------------------

Source = tuple[str, str, object]  # place, where, value


def table_texts() -> Iterator[Source]:
    """Every table the database has (auto-created many-to-many and model-less ones too), every column."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - introspected names
            for row in cursor.fetchall():
                yield "table", table, [value if isinstance(value, str | bytes | memoryview | dict | list)
                                       else str(value) for value in row]


def session_texts() -> Iterator[Source]:
    """Every session, decoded with the session engine (signed and compressed as stored)."""
    store = import_module(django_settings.SESSION_ENGINE).SessionStore
    for session in Session.objects.all():
        decoded = store().decode(session.session_data)
        yield "session", session.session_key, [repr(decoded), decoded]


def _redis_urls() -> list[str]:
    urls = [django_settings.REDIS_URL]
    for options in django_settings.CACHES.values():
        if options["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
            location = options["LOCATION"]
            urls += location.split(",") if isinstance(location, str) else list(location)
    broker = str(getattr(django_settings, "CELERY_BROKER_URL", ""))
    if broker.startswith(("redis://", "rediss://")):
        urls.append(broker)
    return sorted({url for url in urls if url})


def _redis_values(client: Any, key: bytes) -> list[bytes]:
    """A key's whole content, read with the command for its type (DUMP would give LZF-compressed RDB)."""
    kind = client.type(key)
    if kind == b"string":
        return [client.get(key)]
    if kind == b"hash":
        return [part for pair in client.hgetall(key).items() for part in pair]
    if kind == b"list":
        return list(client.lrange(key, 0, -1))
    if kind == b"set":
        return list(client.smembers(key))
    if kind == b"zset":
        return list(client.zrange(key, 0, -1))
    if kind == b"stream":
        return [part for _id, fields in client.xrange(key) for pair in fields.items() for part in pair]
    if kind == b"none":  # expired between SCAN and TYPE
        return []
    raise AssertionError(f"Redis {key!r}: tipe {kind!r} tidak dapat dipindai")  # a new type cannot hide a value


def cache_texts() -> Iterator[Source]:
    """Every in-process cache entry, and every key of every Redis database the portal uses (Celery's queue too)."""
    for alias in django_settings.CACHES:
        backend = caches[alias]
        if isinstance(backend, LocMemCache):
            for key, raw in list(cast(Any, backend)._cache.items()):
                yield "cache", f"{alias} {key}", [key, raw, *_unpickled(raw)]
    for url in _redis_urls():
        import redis

        service_required("Redis", url)
        client: Any = redis.Redis.from_url(url)
        try:
            for key in client.scan_iter(count=1000):  # every key of the db, not only Django's prefix
                values: list[object] = [key]
                for raw in _redis_values(client, key):
                    values += [raw, *_unpickled(raw)]
                yield "cache", f"{url} {key!r}", values
        finally:
            client.close()


def mime_texts(raw: bytes) -> Iterator[str]:
    """Every header and every part of a MIME message, transfer encoding (base64, quoted-printable) undone."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    for part in message.walk():
        for name, value in part.items():
            yield f"{name}: {value}"
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            charset = part.get_content_charset() or "utf-8"
            try:
                yield payload.decode(charset, "replace")
            except LookupError:
                yield payload.decode("utf-8", "replace")


def mail_texts() -> Iterator[Source]:
    """Every mail sent: its fields, each alternative (an error report's HTML) and attachment, its MIME form."""
    for message in mail.outbox:
        where = str(message.subject)
        yield "mail", where, [message.subject, message.body, message.from_email, *message.to, *message.cc,
                              *message.bcc, *message.reply_to, *[str(v) for v in message.extra_headers.values()]]
        for content, _mimetype in getattr(message, "alternatives", []):
            yield "mail", f"{where} (alternatif)", content
        for attachment in message.attachments:
            if isinstance(attachment, MIMEBase):
                yield "mail", f"{where} (lampiran)", list(mime_texts(attachment.as_bytes()))
            else:
                filename, content, _mimetype = attachment
                yield "mail", f"{where} (lampiran {filename})", [filename, content]
        yield "mail", f"{where} (MIME)", list(mime_texts(message.message().as_bytes()))


def upload_texts() -> Iterator[Source]:
    """Every file under the private upload folder."""
    for root, _dirs, files in os.walk(django_settings.PRIVATE_MEDIA_ROOT):
        for name in files:
            yield "upload", name, Path(root, name).read_bytes().decode("latin-1")


def log_texts(traces: Traces) -> Iterator[Source]:
    """The log output of the test."""
    yield "log", "caplog", traces.caplog.text


def cookie_texts(traces: Traces) -> Iterator[Source]:
    """The cookies every test client holds."""
    for client in traces.clients:
        for name, morsel in client.cookies.items():
            yield "cookie", name, [name, morsel.value, morsel.OutputString()]


def response_texts(traces: Traces) -> Iterator[Source]:
    """The Set-Cookie and the headers of every response."""
    for response in traces.responses:
        for name, morsel in response.cookies.items():
            yield "response", f"Set-Cookie {name}", [name, morsel.value, morsel.OutputString()]
        for header, value in response.headers.items():
            yield "response", header, [header, value]


def every_place(traces: Traces) -> Iterator[Source]:
    """Each place above, in turn."""
    yield from table_texts()
    yield from session_texts()
    yield from cache_texts()
    yield from mail_texts()
    yield from upload_texts()
    yield from log_texts(traces)
    yield from cookie_texts(traces)
    yield from response_texts(traces)


def leak_scan(values: list[str], traces: Traces) -> list[Leak]:
    """Every (place, where, value) where one of `values` was found, in any case, in any form."""
    found: set[Leak] = set()
    for place, where, value in every_place(traces):
        for text in readings(value):
            upper = text.upper()
            found.update(Leak(place, where, v) for v in values if v.upper() in upper)
    return sorted(found)


def places(found: list[Leak]) -> set[str]:
    return {leak.place for leak in found}


# -- Redis, when the portal has one ----------------------------------------------------------


def redis_required() -> None:
    """Skip with a visible reason when the portal has no Redis (locmem cache); fail in CI (REQUIRE_SERVICES=1)."""
    if not django_settings.REDIS_URL:
        message = "REDIS_URL tidak diset: cache memakai locmem, tidak ada Redis untuk dipindai"
        if REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)
    service_required("Redis", django_settings.REDIS_URL)


def redis_client() -> Any:
    import redis

    return redis.Redis.from_url(django_settings.REDIS_URL)


# -- HTML error reports ------------------------------------------------------------------------


def html_error_reports_on(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Errors mail ADMINS the full HTML report: every frame with its local variables, as the filter lets them."""
    settings.ADMINS = [("Admin", "admin@example.test")]
    settings.DEBUG = False
    handlers = [h for h in logging.getLogger("django").handlers if isinstance(h, AdminEmailHandler)]
    assert handlers, "Django's mail_admins handler is not configured"
    for handler in handlers:
        monkeypatch.setattr(handler, "include_html", True)
    reporter_filter_forget()


def reporter_filter_forget() -> None:
    """Django caches the filter DEFAULT_EXCEPTION_REPORTER_FILTER names; a test may change the setting."""
    cast(Any, get_default_exception_reporter_filter).cache_clear()


def error_report_html(error: str) -> str:
    """The HTML report of the first error mail whose text names `error`."""
    html = [content for m in mail.outbox if error in m.body
            for content, mimetype in getattr(m, "alternatives", []) if mimetype == "text/html"]
    assert html, "no error mail with the HTML report was sent"
    return str(html[0])


# -- a value in the encoded form a place keeps it in -------------------------------------------


def within_2_kb(planted: str) -> str:
    """The value inside a 2 KB blob, as a cached fragment of a table would hold it.

    Its first half also appears earlier, so compression (LZF in Redis' DUMP, zlib
    in a signed cookie) turns part of it into a back-reference: not there as typed.
    """
    half = planted[: len(planted) // 2]
    return f"baris {half} tabel " * 80 + planted + " baris tabel" * 40


def messages_cookie(text: str) -> HttpResponse:
    """A response setting Django's messages cookie with this message (signed, zlib-compressed when it shrinks)."""
    response = HttpResponse()
    storage = CookieStorage(HttpRequest())
    storage.add(message_levels.INFO, text)
    storage.update(response)
    return response
