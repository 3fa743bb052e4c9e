"""Zero Sharing Policy: after lookups, no Dukcapil value is anywhere the portal keeps things.

The scan reads every table of the database (whether a model owns it or not, every
column as text, sessions decoded with the session engine), every key of every
Redis database the portal uses (with the command for its type, Django's pickles
and Celery's message bodies decoded) or the in-process cache, the log output,
every mail sent (each part decoded, error mails with their frames included), the
upload folder, the cookies of every test client and the headers and Set-Cookie of
every response. It is first shown able to fail: a value planted on purpose in
each place, in the encoded form that place keeps it in, is found.
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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from importlib import import_module
from pathlib import Path
from typing import Any, NamedTuple, cast

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.contrib.messages import constants as message_levels
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.sessions.models import Session
from django.core import mail, signing
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisSerializer
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import reverse
from django.utils.log import AdminEmailHandler
from django.views.debug import get_default_exception_reporter_filter

from akun.models import User
from disnaker_portal.reporting import NoValuesFilter
from dukcapil_sim import (
    NIK_DECEASED,
    NIK_DUPLICATE,
    NIK_FOUND,
    NIK_INACTIVE,
    NIK_NOT_FOUND,
    distinctive_values,
    person,
)
from layanan.models import Jenis
from layanan.services import permohonan_open
from tests.conftest import REQUIRE_SERVICES, service_required, verified_client


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


def _readings(value: object, depth: int = 0) -> Iterator[str]:
    """The value as text, and the text of everything it decodes to: JSON, a signed payload, a Celery body."""
    if depth > 8:
        return
    if isinstance(value, bytes | bytearray | memoryview):
        yield from _readings(bytes(value).decode("utf-8", "replace"), depth + 1)
        return
    if isinstance(value, str):
        yield value
        stripped = value.strip()
        if stripped[:1] in ("{", "["):
            try:
                yield from _readings(json.loads(stripped), depth + 1)
            except ValueError:
                pass
        payload = _signed_payload(stripped)
        if payload is not None:
            yield from _readings(payload, depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _readings(key, depth + 1)
            yield from _readings(item, depth + 1)
        body = _celery_body(value)
        if body is not None:
            yield from _readings(body, depth + 1)
        return
    if isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _readings(item, depth + 1)
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
            yield from _readings(getattr(value, name), depth + 1)


def _unpickled(raw: bytes) -> list[object]:
    """Django's cache format (pickles; RedisCache keeps ints raw), when the bytes are in it."""
    try:
        return [RedisSerializer().loads(raw)]
    except Exception:  # noqa: BLE001 - anything that is not Django's format is read as bytes only
        return []


# -- the places ------------------------------------------------------------------------------

Source = tuple[str, str, object]  # place, where, value


def _database_texts() -> Iterator[Source]:
    """Every table the database has (auto-created many-to-many and model-less ones too), every column."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - introspected names
            for row in cursor.fetchall():
                yield "table", table, [value if isinstance(value, str | bytes | memoryview | dict | list)
                                       else str(value) for value in row]
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


def _cache_texts() -> Iterator[Source]:
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


def _mime_texts(raw: bytes) -> Iterator[str]:
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


def _mail_texts() -> Iterator[Source]:
    for message in mail.outbox:
        where = str(message.subject)
        yield "mail", where, [message.subject, message.body, message.from_email, *message.to, *message.cc,
                              *message.bcc, *message.reply_to, *[str(v) for v in message.extra_headers.values()]]
        for content, _mimetype in getattr(message, "alternatives", []):
            yield "mail", f"{where} (alternatif)", content
        for attachment in message.attachments:
            if isinstance(attachment, MIMEBase):
                yield "mail", f"{where} (lampiran)", list(_mime_texts(attachment.as_bytes()))
            else:
                filename, content, _mimetype = attachment
                yield "mail", f"{where} (lampiran {filename})", [filename, content]
        yield "mail", f"{where} (MIME)", list(_mime_texts(message.message().as_bytes()))


def _file_texts() -> Iterator[Source]:
    for root, _dirs, files in os.walk(django_settings.PRIVATE_MEDIA_ROOT):
        for name in files:
            yield "upload", name, Path(root, name).read_bytes().decode("latin-1")


def _cookie_texts(traces: Traces) -> Iterator[Source]:
    for client in traces.clients:
        for name, morsel in client.cookies.items():
            yield "cookie", name, [name, morsel.value, morsel.OutputString()]


def _response_texts(traces: Traces) -> Iterator[Source]:
    for response in traces.responses:
        for name, morsel in response.cookies.items():
            yield "response", f"Set-Cookie {name}", [name, morsel.value, morsel.OutputString()]
        for header, value in response.headers.items():
            yield "response", header, [header, value]


def leak_scan(values: list[str], traces: Traces) -> list[Leak]:
    """Every (place, where, value) where a Dukcapil value was found."""
    found: set[Leak] = set()
    sources: Iterable[Source] = [*_database_texts(), *_cache_texts(), *_mail_texts(), *_file_texts(),
                                 *_cookie_texts(traces), *_response_texts(traces),
                                 ("log", "caplog", traces.caplog.text)]
    for place, where, value in sources:
        for text in _readings(value):
            upper = text.upper()
            found.update(Leak(place, where, v) for v in values if v.upper() in upper)
    return sorted(found)


def places(found: list[Leak]) -> set[str]:
    return {leak.place for leak in found}


# -- fixtures and helpers --------------------------------------------------------------------


@pytest.fixture
def traces(caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> Iterator[Traces]:
    """Every log record, every test client made and every response it got; the cache empty before and after."""
    caplog.set_level(logging.DEBUG)
    seen = Traces(caplog)
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
    cache.clear()  # start every scan from an empty cache
    yield seen
    cache.clear()  # leave no planted value (nor a planted task message) for the next test


def redis_required() -> None:
    """Skip with a visible reason when the portal has no Redis (locmem cache); fail in CI (REQUIRE_SERVICES=1)."""
    if not django_settings.REDIS_URL:
        message = "REDIS_URL tidak diset: cache memakai locmem, tidak ada Redis untuk dipindai"
        if REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)
    service_required("Redis", django_settings.REDIS_URL)


def _redis_client() -> Any:
    import redis

    return redis.Redis.from_url(django_settings.REDIS_URL)


def _numeric_value() -> str:
    """A distinctive value made of digits only (a family card or parent's NIK), for integer columns."""
    return next(v for v in distinctive_values() if v.isdigit())


def _within_2_kb(planted: str) -> str:
    """The value inside a 2 KB blob, as a cached fragment of a table would hold it.

    Its first half also appears earlier, so compression (LZF in Redis' DUMP, zlib
    in a signed cookie) turns part of it into a back-reference: not there as typed.
    """
    half = planted[: len(planted) // 2]
    return f"baris {half} tabel " * 80 + planted + " baris tabel" * 40


def _messages_cookie(text: str) -> HttpResponse:
    """A response setting Django's messages cookie with this message (signed, zlib-compressed when it shrinks)."""
    response = HttpResponse()
    storage = CookieStorage(HttpRequest())
    storage.add(message_levels.INFO, text)
    storage.update(response)
    return response


def _page_lookups(client, operator, niks: list[str]) -> int:
    """One service request per applicant, as at the counter; returns the last request's pk."""
    pk = 0
    for nik in niks:
        pk = permohonan_open(operator=operator, jenis=Jenis.AK1).pk
        p = person(nik)
        data = {"nik": nik, "nama_lengkap": p.nama if p else "NAMA DARI DOKUMEN"}
        response = client.post(reverse("layanan:periksa", args=[pk]), data)
        assert response.status_code == 200 and "Ditolak" not in response.content.decode()
    return pk


def _rows_failing_with_the_answer_in_its_frame(form, outcome):
    """A rendering bug with the answer, and one of its values as a plain string, in the frame's locals."""
    elemen = outcome.result.elemen
    nama = elemen.nama_lengkap
    raise RuntimeError(f"gagal menyusun baris ({type(elemen).__name__}, {len(nama)} huruf)")


@pytest.fixture
def error_mails_with_frames(settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Errors mail ADMINS the full HTML report: every frame with its local variables, as the filter lets them."""
    settings.ADMINS = [("Admin", "admin@example.test")]
    settings.DEBUG = False
    handlers = [h for h in logging.getLogger("django").handlers if isinstance(h, AdminEmailHandler)]
    assert handlers, "Django's mail_admins handler is not configured"
    for handler in handlers:
        monkeypatch.setattr(handler, "include_html", True)
    monkeypatch.setattr("layanan.views._rows", _rows_failing_with_the_answer_in_its_frame)
    _reporter_filter_forget()
    yield
    _reporter_filter_forget()


def _reporter_filter_forget() -> None:
    """Django caches the filter DEFAULT_EXCEPTION_REPORTER_FILTER names; a test may change the setting."""
    cast(Any, get_default_exception_reporter_filter).cache_clear()


def _failing_lookup(operator: User, data: dict[str, str]) -> HttpResponseBase:
    permohonan = permohonan_open(operator=operator, jenis=Jenis.AK1)
    client = verified_client(operator)
    client.raise_request_exception = False
    response = client.post(reverse("layanan:periksa", args=[permohonan.pk]), data)
    assert response.status_code == 500
    return response


def _error_mail_html() -> str:
    html = [content for m in mail.outbox if "gagal menyusun baris" in m.body
            for content, mimetype in getattr(m, "alternatives", []) if mimetype == "text/html"]
    assert html, "no error mail with the HTML report was sent"
    return str(html[0])


# -- the scan is able to fail: a planted value is found in each place ----------------------------


def test_the_scan_finds_a_planted_value_in_each_place(connected, ready_petugas, traces, settings) -> None:
    planted = distinctive_values()[0]
    client = verified_client(ready_petugas)
    session = client.session
    session["tanam"] = planted
    session.save()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE tanam_tanpa_model (isi varchar(500))")
        cursor.execute("INSERT INTO tanam_tanpa_model (isi) VALUES (%s)", [planted])
    User.groups.through.objects.create(id=int(_numeric_value()), user=ready_petugas,
                                       group=Group.objects.create(name="tanam"))
    cache.set("tanam", _within_2_kb(planted))
    logging.getLogger("tanam").warning("nilai %s", planted)
    mail.send_mail("tanam", planted, "a@example.test", ["b@example.test"])
    Path(settings.PRIVATE_MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    Path(settings.PRIVATE_MEDIA_ROOT, "tanam.txt").write_text(planted)
    client.cookies.update(_messages_cookie(planted).cookies)
    response = HttpResponse()
    response["X-Tanam"] = planted
    traces.responses.append(response)

    found = leak_scan([planted, _numeric_value()], traces)

    assert places(found) >= {"table", "session", "cache", "mail", "upload", "log", "cookie", "response"}
    assert {leak.where for leak in found if leak.place == "table"} >= {"tanam_tanpa_model", "akun_user_groups"}


def test_the_scan_finds_a_value_planted_in_a_table(ready_petugas, traces) -> None:
    planted = distinctive_values()[1]
    ready_petugas.jabatan = planted
    ready_petugas.save()
    assert Leak("table", "akun_user", planted) in leak_scan([planted], traces)


def test_it_reads_a_table_that_no_model_owns(db, traces) -> None:
    planted = distinctive_values()[2]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE tanam_tanpa_model (isi varchar(500))")
        cursor.execute("INSERT INTO tanam_tanpa_model (isi) VALUES (%s)", [planted])
    assert Leak("table", "tanam_tanpa_model", planted) in leak_scan([planted], traces)


def test_it_reads_an_auto_created_many_to_many_table(ready_petugas, traces) -> None:
    planted = _numeric_value()  # the table has only integer columns: a family card number as a row's id
    User.groups.through.objects.create(id=int(planted), user=ready_petugas, group=Group.objects.create(name="tanam"))
    assert User.groups.through._meta.auto_created
    assert Leak("table", User.groups.through._meta.db_table, planted) in leak_scan([planted], traces)


def test_it_decodes_a_session_with_the_session_engine(ready_petugas, traces) -> None:
    planted = distinctive_values()[3]
    client = verified_client(ready_petugas)
    session = client.session
    session["tanam"] = _within_2_kb(planted)
    session.save()
    stored = Session.objects.get(session_key=session.session_key).session_data
    assert planted.upper() not in stored.upper()  # signed and compressed: not there as typed
    assert Leak("session", str(session.session_key), planted) in leak_scan([planted], traces)


def test_it_reads_a_large_cached_value_whole(db, traces) -> None:
    planted = distinctive_values()[4]
    cache.set("tanam", _within_2_kb(planted))
    assert "cache" in places(leak_scan([planted], traces))


@pytest.mark.services
def test_it_reads_a_redis_string_whole_where_dump_compresses_it(db, traces) -> None:
    redis_required()
    planted = distinctive_values()[5]
    cache.set("tanam", _within_2_kb(planted))
    client = _redis_client()
    key = cache.make_key("tanam").encode()
    assert planted.encode() not in client.dump(key)  # what the scan used to read: LZF-compressed RDB
    assert "cache" in places(leak_scan([planted], traces))


@pytest.mark.services
def test_it_reads_every_redis_key_of_every_type(db, traces) -> None:
    redis_required()
    values = distinctive_values()[6:12]
    client = _redis_client()
    client.set("lain:teks", _within_2_kb(values[0]))  # keys outside Django's prefix too
    client.hset("lain:hash", mapping={"isi": _within_2_kb(values[1])})
    client.rpush("lain:list", _within_2_kb(values[2]))
    client.sadd("lain:set", _within_2_kb(values[3]))
    client.zadd("lain:zset", {_within_2_kb(values[4]): 1})
    client.xadd("lain:stream", {"isi": _within_2_kb(values[5])})
    found = leak_scan(values, traces)
    assert {leak.value for leak in found if leak.place == "cache"} == set(values)


@pytest.mark.services
def test_it_decodes_a_celery_message_waiting_in_redis(db, traces) -> None:
    redis_required()
    from disnaker_portal.celery import app

    if not str(app.conf.broker_url).startswith(("redis://", "rediss://")):
        pytest.skip(f"broker Celery bukan Redis ({app.conf.broker_url})")
    planted = distinctive_values()[12]
    app.send_task("tanam.tugas_yang_tidak_ada", args=[_within_2_kb(planted)])
    waiting = _redis_client().lrange("celery", 0, -1)
    assert waiting and not any(planted.encode() in m for m in waiting)  # base64 body, argsrepr cut at 1 KB
    assert "cache" in places(leak_scan([planted], traces))


def test_it_decodes_a_base64_mail_part(db, traces) -> None:
    planted = distinctive_values()[12]
    message = mail.EmailMessage("tanam", "lihat lampiran", "a@example.test", ["b@example.test"])
    message.attach(MIMEApplication(planted.encode(), Name="tanam.bin"))  # base64 in the MIME form
    message.send()
    assert planted.upper() not in message.message().as_string().upper()
    assert "mail" in places(leak_scan([planted], traces))


def test_it_reads_the_cookies_of_every_test_client(db, traces) -> None:
    planted = distinctive_values()[13]
    client = Client()
    cookie = _messages_cookie(_within_2_kb(planted)).cookies
    client.cookies.update(cookie)
    assert planted.upper() not in next(iter(cookie.values())).value.upper()  # compressed: not there as typed
    assert "cookie" in places(leak_scan([planted], traces))


def test_it_reads_the_set_cookie_of_every_response(db, traces) -> None:
    planted = distinctive_values()[14]
    traces.responses.append(_messages_cookie(_within_2_kb(planted)))
    assert "response" in places(leak_scan([planted], traces))


def test_it_reads_the_headers_of_every_response(db, traces) -> None:
    planted = distinctive_values()[15]
    response = HttpResponse()
    response["X-Tanam"] = planted
    traces.responses.append(response)
    assert Leak("response", "X-Tanam", planted) in leak_scan([planted], traces)


def test_it_finds_a_value_from_the_failing_frame_when_the_filter_is_bypassed(connected, ready_petugas, traces,
                                                                             settings, error_mails_with_frames):
    """The same bug as below with Django's own filter, which prints local variables: the scan finds the name."""
    settings.DEFAULT_EXCEPTION_REPORTER_FILTER = "django.views.debug.SafeExceptionReporterFilter"
    _reporter_filter_forget()
    _failing_lookup(ready_petugas, {"nik": NIK_FOUND[0]})  # the name is not in the form: only in the frame
    p = person(NIK_FOUND[0])
    assert p is not None
    found = leak_scan([p.nama], traces)
    assert places(found) == {"mail"}  # in the HTML report's frames (its alternative and MIME forms) only
    subject = mail.outbox[0].subject
    assert {leak.where for leak in found} == {f"{subject} (alternatif)", f"{subject} (MIME)"}  # not the text body


# -- after real lookups, nothing is found --------------------------------------------------------


def test_no_dukcapil_value_is_kept_anywhere_after_lookups(connected, ready_petugas, traces, settings) -> None:
    settings.ADMINS = [("Admin", "admin@example.test")]
    client = verified_client(ready_petugas)
    niks = [*NIK_FOUND, NIK_DECEASED, NIK_DUPLICATE, NIK_INACTIVE, NIK_NOT_FOUND]
    _page_lookups(client, ready_petugas, niks[1:] + niks[:1])
    last = permohonan_open(operator=ready_petugas, jenis=Jenis.AK1).pk
    # A found answer really was shown on the page (so there was something to leak).
    refused = client.post(reverse("layanan:periksa", args=[last]), {"nik": NIK_FOUND[0]}).content.decode()
    token = refused.split('name="token_lewati" value="')[1].split('"')[0]
    response = client.post(reverse("layanan:periksa", args=[last]), {"nik": NIK_FOUND[0], "token_lewati": token,
                           "alasan_lewati": "pemeriksaan ulang atas permintaan pemohon di loket"})
    p = person(NIK_FOUND[0])
    assert p is not None and p.nama in response.content.decode()
    assert len(traces.responses) == len(niks) + 2  # every response of the lookups is scanned
    values = distinctive_values()
    assert leak_scan(values, traces) == []


def test_an_error_mail_carries_no_value_from_the_failing_frame(connected, ready_petugas, traces,
                                                               error_mails_with_frames) -> None:
    """A bug while rendering a found answer: the error mail to ADMINS shows no local variable."""
    assert isinstance(get_default_exception_reporter_filter(), NoValuesFilter)  # the project's filter
    p = person(NIK_FOUND[0])
    assert p is not None
    _failing_lookup(ready_petugas, {"nik": NIK_FOUND[0], "nama_lengkap": p.nama})  # the form's values too
    assert NoValuesFilter.cleansed_substitute in _error_mail_html()  # the frames were in the mail, hidden
    assert leak_scan(distinctive_values() + [NIK_FOUND[0]], traces) == []


def test_the_semester_report_carries_no_dukcapil_value_and_no_full_nik(connected, ready_petugas, kepala,
                                                                        traces) -> None:
    """The report prints the portal's own counts only, even right after found answers."""
    import subprocess

    from django.utils import timezone

    from laporan.semester import JAKARTA, Semester

    niks = [*NIK_FOUND, NIK_DECEASED, NIK_DUPLICATE, NIK_INACTIVE, NIK_NOT_FOUND]
    _page_lookups(verified_client(ready_petugas), ready_petugas, niks)
    current = Semester.containing(timezone.now().astimezone(JAKARTA).date())
    response = verified_client(kepala).get(reverse("laporan:unduh", args=[current.tahun, current.ke]))
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True,
                          check=True).stdout.decode()
    assert "11 Data Ditemukan, Meninggal Dunia 1" in " ".join(text.split())  # the lookups were counted
    upper = text.upper()
    assert [v for v in distinctive_values() + niks if v.upper() in upper] == []
    assert leak_scan(distinctive_values(), traces) == []
