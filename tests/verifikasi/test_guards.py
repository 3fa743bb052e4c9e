"""The quota guard and the enumeration guard, each refusal on its own."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from akun.gate import current_agreement
from verifikasi.enumeration import (
    OVERRIDE_TOKEN_SECONDS,
    OverrideScope,
    enumeration_check,
    enumeration_override_token,
    enumeration_override_valid,
    enumeration_purge,
    enumeration_record,
)
from verifikasi.models import GuardTrace, QuotaAlert
from verifikasi.quota import QuotaRefused, quota_spend, quota_state, quota_today

NIK = "3303014504900102"


def _near(serial: int) -> str:
    return NIK[:12] + f"{serial:04d}"


@pytest.mark.django_db
def test_it_counts_each_request_and_refuses_when_spent(settings) -> None:
    settings.DUKCAPIL_DAILY_QUOTA = 3
    assert [quota_spend(operator_id=None).used for _ in range(3)] == [1, 2, 3]
    with pytest.raises(QuotaRefused, match="Kuota akses hari ini telah habis"):
        quota_spend(operator_id=None)
    assert quota_state().used == 3 and quota_state().remaining == 0


@pytest.mark.django_db
def test_it_refuses_an_operator_past_their_own_cap(settings, petugas, kepala) -> None:
    settings.DUKCAPIL_OPERATOR_DAILY_CAP = 1
    quota_spend(operator_id=petugas.pk)
    with pytest.raises(QuotaRefused, match="Batas pribadi"):
        quota_spend(operator_id=petugas.pk)
    assert quota_spend(operator_id=kepala.pk).used == 2  # the refusal counted nothing


@pytest.mark.django_db
def test_it_keeps_the_poc_quota_until_the_poc_letter_is_recorded(settings) -> None:
    settings.DUKCAPIL_DAILY_QUOTA = 0
    assert quota_state().quota == 200 and "PoC" in quota_state().note
    agreement = current_agreement()
    assert agreement is not None
    agreement.nomor_surat_hasil_poc = "400.12/9999/2026"
    agreement.tanggal_surat_hasil_poc = dt.date(2026, 6, 1)
    agreement.save()
    assert quota_state().quota == 0 and quota_state().remaining is None


@pytest.mark.django_db
def test_it_alerts_the_admin_once_at_80_and_95_percent(settings, django_capture_on_commit_callbacks,
                                                       celery_eager) -> None:
    settings.DUKCAPIL_DAILY_QUOTA = 20
    settings.ADMINS = [("Admin", "admin@example.test")]
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(20):
            quota_spend(operator_id=None)
    assert sorted(QuotaAlert.objects.values_list("ambang", "terpakai")) == [(80, 16), (95, 19)]
    assert [m.subject for m in mail.outbox] == ["[Django] Kuota Dukcapil 80 % terpakai",
                                                "[Django] Kuota Dukcapil 95 % terpakai"]


@pytest.fixture
def one_short_of_80_percent(settings, db: None) -> None:
    """3 of a quota of 5 spent, admins to mail: the next request crosses 80 %."""
    settings.DUKCAPIL_DAILY_QUOTA = 5
    settings.ADMINS = [("Admin", "admin@example.test")]
    for _ in range(3):
        quota_spend(operator_id=None)


@pytest.mark.django_db
def test_it_mails_the_alert_only_after_the_guard_step_commits(one_short_of_80_percent,
                                                              django_capture_on_commit_callbacks,
                                                              celery_eager) -> None:
    """A slow mail server must not hold the lock every lookup waits for."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            quota_spend(operator_id=None)  # 4 of 5: crosses 80 %
            assert mail.outbox == [] and QuotaAlert.objects.filter(ambang=80).exists()
    assert len(callbacks) == 1 and [m.subject for m in mail.outbox] == ["[Django] Kuota Dukcapil 80 % terpakai"]


@pytest.mark.django_db
def test_it_refuses_a_nik_near_a_recent_one(petugas, kepala) -> None:
    enumeration_record(operator_id=kepala.pk, nik=_near(100))
    decision = enumeration_check(operator_id=petugas.pk, nik=_near(103))
    assert not decision.allowed and "berdekatan" in decision.reasons[0]


@pytest.mark.django_db
def test_it_lets_a_distant_nik_through(petugas, kepala) -> None:
    enumeration_record(operator_id=kepala.pk, nik=_near(100))
    assert enumeration_check(operator_id=petugas.pk, nik=_near(900)).allowed
    assert enumeration_check(operator_id=petugas.pk, nik="3302014504900101").allowed  # other region


@pytest.mark.django_db
def test_it_refuses_the_same_nik_again_soon(petugas, kepala) -> None:
    enumeration_record(operator_id=kepala.pk, nik=NIK)
    decision = enumeration_check(operator_id=petugas.pk, nik=NIK)
    assert any("NIK yang sama" in r for r in decision.reasons)


@pytest.mark.django_db
def test_it_refuses_a_burst_from_one_officer(petugas, settings) -> None:
    settings.ENUM_GUARD_MIN_INTERVAL_SECONDS = 20
    now = timezone.now()
    enumeration_record(operator_id=petugas.pk, nik="3172015505900001", now=now - dt.timedelta(seconds=5))
    decision = enumeration_check(operator_id=petugas.pk, nik=NIK, now=now)
    assert decision.reasons == ("Permintaan terlalu cepat: 5 detik setelah permintaan Anda sebelumnya "
                                "(minimal 20 detik).",)
    assert enumeration_check(operator_id=petugas.pk, nik=NIK, now=now + dt.timedelta(seconds=20)).allowed


@pytest.mark.django_db
def test_it_forgets_traces_after_the_window(petugas, settings) -> None:
    now = timezone.now()
    enumeration_record(operator_id=petugas.pk, nik=NIK, now=now - dt.timedelta(minutes=120))
    enumeration_record(operator_id=petugas.pk, nik=_near(200), now=now)
    assert enumeration_purge(now=now) == 1
    assert GuardTrace.objects.count() == 1
    row = GuardTrace.objects.values().get()
    assert NIK[:12] not in str(row)  # only a keyed hash of the prefix is kept


@pytest.mark.django_db
def test_it_refuses_a_sweep_over_birth_dates(petugas, kepala) -> None:
    # Same district, sex and serial; birth dates 01-04-1990 and 03-04-1990: stepping through dates.
    enumeration_record(operator_id=kepala.pk, nik="3303010104900001")
    decision = enumeration_check(operator_id=petugas.pk, nik="3303010304900001")
    assert decision.kinds == ("sweep",) and "NIK berpola" in decision.reasons[0]


@pytest.mark.django_db
def test_it_lets_distant_birth_dates_and_other_districts_through(petugas, kepala) -> None:
    enumeration_record(operator_id=kepala.pk, nik="3303010104900001")
    assert enumeration_check(operator_id=petugas.pk, nik="3303010105900001").allowed  # a month apart
    assert enumeration_check(operator_id=petugas.pk, nik="3303020304900001").allowed  # another district
    assert enumeration_check(operator_id=petugas.pk, nik="3303014304900001").allowed  # a woman, not a man


@pytest.mark.django_db
def test_it_counts_the_minimum_interval_to_the_microsecond(petugas, settings) -> None:
    settings.ENUM_GUARD_MIN_INTERVAL_SECONDS = 20
    now = timezone.now()
    enumeration_record(operator_id=petugas.pk, nik="3172015505900001", now=now - dt.timedelta(seconds=20))
    assert enumeration_check(operator_id=petugas.pk, nik=NIK, now=now).allowed
    refused = enumeration_check(operator_id=petugas.pk, nik=NIK, now=now - dt.timedelta(microseconds=1))
    assert refused.kinds == ("interval",) and "19 detik" in refused.reasons[0]


@pytest.mark.django_db
def test_a_check_forgets_the_traces_outside_the_window(petugas, kepala) -> None:
    now = timezone.now()
    enumeration_record(operator_id=kepala.pk, nik=NIK, now=now - dt.timedelta(minutes=120))
    enumeration_record(operator_id=kepala.pk, nik=_near(200), now=now - dt.timedelta(minutes=1))
    assert enumeration_check(operator_id=petugas.pk, nik=_near(900), now=now).allowed
    assert GuardTrace.objects.count() == 1


@pytest.mark.django_db
def test_it_decides_in_one_statement(petugas, kepala, django_assert_num_queries) -> None:
    enumeration_record(operator_id=kepala.pk, nik=_near(100))
    with django_assert_num_queries(1):
        decision = enumeration_check(operator_id=petugas.pk, nik=_near(103))
    assert decision.kinds == ("near",)


@pytest.mark.django_db
def test_an_override_token_answers_only_its_own_refusal(petugas, kepala) -> None:
    enumeration_record(operator_id=kepala.pk, nik=_near(100))
    decision = enumeration_check(operator_id=petugas.pk, nik=_near(101))
    issued = timezone.now()
    scope = OverrideScope(petugas.pk, "P-1", _near(101), decision)
    token = enumeration_override_token(scope=scope, now=issued)
    assert enumeration_override_valid(token=token, scope=scope, now=issued + dt.timedelta(seconds=30))
    for other in (replace(scope, operator_id=kepala.pk), replace(scope, permohonan_ref="P-2"),
                  replace(scope, nik=_near(102))):  # another officer, applicant, NIK
        assert not enumeration_override_valid(token=token, scope=other, now=issued)
    late = issued + dt.timedelta(seconds=OVERRIDE_TOKEN_SECONDS + 1)
    assert not enumeration_override_valid(token=token, scope=scope, now=late)
    issued_part = token.partition(".")[0]
    for bad in ("", "x.y", "9" * 5000 + "." + "a" * 32, issued_part + "." + "\u00e9" * 32):  # never an error
        assert not enumeration_override_valid(token=bad, scope=scope)


@pytest.mark.django_db
def test_a_broker_that_is_down_costs_the_alert_mail_never_the_lookup(one_short_of_80_percent,
                                                                     django_capture_on_commit_callbacks,
                                                                     caplog) -> None:
    from verifikasi.tasks import quota_alert_mail

    with mock.patch.object(quota_alert_mail, "delay", autospec=True, side_effect=ConnectionError("redis")):
        with django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                state = quota_spend(operator_id=None)  # crosses 80 %: the mail cannot be queued
    assert state.used == 4 and QuotaAlert.objects.filter(ambang=80).exists()
    assert "not queued for mail: ConnectionError" in caplog.text


@pytest.mark.django_db
def test_recording_a_lookup_costs_one_insert(kepala) -> None:
    with CaptureQueriesContext(connection) as queries:
        enumeration_record(operator_id=kepala.pk, nik=NIK)
    assert [q["sql"].split()[0].upper() for q in queries.captured_queries] == ["INSERT"]


def test_it_refuses_to_record_what_is_not_a_nik() -> None:
    with pytest.raises(ValueError, match="16 digit"):
        enumeration_record(operator_id=1, nik=NIK[:15])


def test_the_quota_day_is_the_calendar_day_in_jakarta(settings) -> None:
    # Every "today" of the portal is timezone.localdate(): TIME_ZONE must stay Asia/Jakarta.
    assert settings.TIME_ZONE == "Asia/Jakarta"
    assert quota_today() == timezone.now().astimezone(ZoneInfo("Asia/Jakarta")).date()
