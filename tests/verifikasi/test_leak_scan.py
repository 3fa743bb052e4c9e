"""Zero Sharing Policy: after lookups, no Dukcapil value is anywhere the portal keeps things.

The scan (tests/support/leak_scan.py) reads every table, the sessions decoded, every
Redis key or the in-process cache, the log output, every mail sent (error reports with
their frames), the upload folder, the cookies of every test client and the headers and
Set-Cookie of every response. It is first shown able to fail: a value planted on purpose
in each place, in the encoded form that place keeps it in, is found.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from email.mime.application import MIMEApplication
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import reverse
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
from tests.conftest import verified_client
from tests.support.leak_scan import (
    Leak,
    Traces,
    error_report_html,
    html_error_reports_on,
    leak_scan,
    messages_cookie,
    places,
    redis_client,
    redis_required,
    reporter_filter_forget,
    within_2_kb,
)


@pytest.fixture
def traces(caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> Iterator[Traces]:
    """Every log record, every test client made and every response it got; the cache empty before and after."""
    seen = Traces.record(caplog, monkeypatch)
    cache.clear()  # start every scan from an empty cache
    yield seen
    cache.clear()  # leave no planted value (nor a planted task message) for the next test


def _numeric_value() -> str:
    """A distinctive value made of digits only (a family card or parent's NIK), for integer columns."""
    return next(v for v in distinctive_values() if v.isdigit())


def _page_lookups(client, operator, niks: list[str]) -> int:
    """One service request per applicant, as at the counter; returns the last request's pk."""
    pk = 0
    for nik in niks:
        pk = permohonan_open(operator=operator, jenis=Jenis.AK1).pk
        p = person(nik)
        data = {"nik": nik, "nama_lengkap": p.nama if p else "NAMA DARI DOKUMEN"}
        response = client.post(reverse("layanan:periksa_nik", args=[pk]), data)
        assert response.status_code == 200 and "Ditolak" not in response.content.decode()
    return pk


RENDERING_BUG = "gagal menyusun baris"


def _rows_failing_with_the_answer_in_its_frame(*, stated, elemen, matches, check):
    """A rendering bug with the answer, and one of its values as a plain string, in the frame's locals."""
    nama = elemen.nama_lengkap
    raise RuntimeError(f"{RENDERING_BUG} ({type(elemen).__name__}, {len(nama)} huruf)")


@pytest.fixture
def error_mails_with_frames(settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Errors mail ADMINS the full HTML report; rendering a found answer's rows fails with the answer in its frame."""
    monkeypatch.setattr("verifikasi.services.display_rows", _rows_failing_with_the_answer_in_its_frame)
    html_error_reports_on(settings, monkeypatch)
    yield
    reporter_filter_forget()


def _failing_lookup(operator: User, data: dict[str, str]) -> HttpResponseBase:
    permohonan = permohonan_open(operator=operator, jenis=Jenis.AK1)
    client = verified_client(operator)
    client.raise_request_exception = False
    response = client.post(reverse("layanan:periksa_nik", args=[permohonan.pk]), data)
    assert response.status_code == 500
    return response


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
    cache.set("tanam", within_2_kb(planted))
    logging.getLogger("tanam").warning("nilai %s", planted)
    mail.send_mail("tanam", planted, "a@example.test", ["b@example.test"])
    Path(settings.PRIVATE_MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    Path(settings.PRIVATE_MEDIA_ROOT, "tanam.txt").write_text(planted)
    client.cookies.update(messages_cookie(planted).cookies)
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
    session["tanam"] = within_2_kb(planted)
    session.save()
    stored = Session.objects.get(session_key=session.session_key).session_data
    assert planted.upper() not in stored.upper()  # signed and compressed: not there as typed
    assert Leak("session", str(session.session_key), planted) in leak_scan([planted], traces)


def test_it_reads_a_large_cached_value_whole(db, traces) -> None:
    planted = distinctive_values()[4]
    cache.set("tanam", within_2_kb(planted))
    assert "cache" in places(leak_scan([planted], traces))


@pytest.mark.services
def test_it_reads_a_redis_string_whole_where_dump_compresses_it(db, traces) -> None:
    redis_required()
    planted = distinctive_values()[5]
    cache.set("tanam", within_2_kb(planted))
    client = redis_client()
    key = cache.make_key("tanam").encode()
    assert planted.encode() not in client.dump(key)  # what the scan used to read: LZF-compressed RDB
    assert "cache" in places(leak_scan([planted], traces))


@pytest.mark.services
def test_it_reads_every_redis_key_of_every_type(db, traces) -> None:
    redis_required()
    values = distinctive_values()[6:12]
    client = redis_client()
    client.set("lain:teks", within_2_kb(values[0]))  # keys outside Django's prefix too
    client.hset("lain:hash", mapping={"isi": within_2_kb(values[1])})
    client.rpush("lain:list", within_2_kb(values[2]))
    client.sadd("lain:set", within_2_kb(values[3]))
    client.zadd("lain:zset", {within_2_kb(values[4]): 1})
    client.xadd("lain:stream", {"isi": within_2_kb(values[5])})
    found = leak_scan(values, traces)
    assert {leak.value for leak in found if leak.place == "cache"} == set(values)


@pytest.mark.services
def test_it_decodes_a_celery_message_waiting_in_redis(db, traces) -> None:
    redis_required()
    from disnaker_portal.celery import app

    if not str(app.conf.broker_url).startswith(("redis://", "rediss://")):
        pytest.skip(f"broker Celery bukan Redis ({app.conf.broker_url})")
    planted = distinctive_values()[12]
    app.send_task("tanam.tugas_yang_tidak_ada", args=[within_2_kb(planted)])
    waiting = redis_client().lrange("celery", 0, -1)
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
    cookie = messages_cookie(within_2_kb(planted)).cookies
    client.cookies.update(cookie)
    assert planted.upper() not in next(iter(cookie.values())).value.upper()  # compressed: not there as typed
    assert "cookie" in places(leak_scan([planted], traces))


def test_it_reads_the_set_cookie_of_every_response(db, traces) -> None:
    planted = distinctive_values()[14]
    traces.responses.append(messages_cookie(within_2_kb(planted)))
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
    reporter_filter_forget()
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
    refused = client.post(reverse("layanan:periksa_nik", args=[last]), {"nik": NIK_FOUND[0]}).content.decode()
    token = refused.split('name="override_token" value="')[1].split('"')[0]
    response = client.post(reverse("layanan:periksa_nik", args=[last]), {"nik": NIK_FOUND[0], "override_token": token,
                           "override_reason": "pemeriksaan ulang atas permintaan pemohon di loket"})
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
    assert NoValuesFilter.cleansed_substitute in error_report_html(RENDERING_BUG)  # the frames were in the mail, hidden
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
    response = verified_client(kepala).get(reverse("laporan:unduh", args=[current.year, current.half]))
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True,
                          check=True).stdout.decode()
    assert "11 Data Ditemukan, Meninggal Dunia 1" in " ".join(text.split())  # the lookups were counted
    upper = text.upper()
    assert [v for v in distinctive_values() + niks if v.upper() in upper] == []
    assert leak_scan(distinctive_values(), traces) == []
