"""A service request serves one applicant: bound by the first lookup granted, checked under the guard's lock."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps

from dukcapil_sim import NIK_FOUND
from layanan.models import Jenis, Permohonan
from tests.asking import asker_for
from verifikasi.audit import audit_append, nik_hmac
from verifikasi.elements import Stated
from verifikasi.models import AuditEntry, Kind, Mode
from verifikasi.quota import quota_spend
from verifikasi.services import Claim, lookup_authorise_manual, lookup_perform


def test_the_first_lookup_granted_binds_the_request_to_its_applicant(connected, ready_petugas) -> None:
    asker = asker_for(ready_petugas, "P-SATU")
    assert not lookup_perform(asker=asker, nik=NIK_FOUND[0], stated=Stated(nik=NIK_FOUND[0])).refused
    assert Permohonan.objects.get(nomor="P-SATU").nik_hmac == nik_hmac(NIK_FOUND[0])
    again = lookup_perform(asker=asker_for(ready_petugas, "P-SATU"), nik=NIK_FOUND[2], stated=Stated(nik=NIK_FOUND[2]))
    assert again.refusals[0].startswith("Permohonan ini sudah dipakai untuk NIK pemohon lain")
    assert Permohonan.objects.get(nomor="P-SATU").nik_hmac == nik_hmac(NIK_FOUND[0])


def test_a_refused_first_nik_leaves_the_request_free_for_its_applicant(ready_petugas, settings) -> None:
    """The quota refuses the first NIK typed: the officer corrects it and the request takes the corrected one."""
    settings.DUKCAPIL_DAILY_QUOTA = 1
    quota_spend(operator_id=None)  # the day's only request is spent
    refused = lookup_authorise_manual(asker=asker_for(ready_petugas, "P-DUA"), nik=NIK_FOUND[0])
    assert refused.refusals == ("Kuota akses hari ini telah habis",)
    assert Permohonan.objects.get(nomor="P-DUA").nik_hmac == ""
    settings.DUKCAPIL_DAILY_QUOTA = 2
    granted = lookup_authorise_manual(asker=asker_for(ready_petugas, "P-DUA"), nik=NIK_FOUND[2])
    assert granted.authorisation and Permohonan.objects.get(nomor="P-DUA").nik_hmac == nik_hmac(NIK_FOUND[2])


def test_a_stale_request_object_cannot_take_a_second_applicant(make_user) -> None:
    """Two submissions that loaded the request before either was granted: the second finds it taken."""
    operator = make_user()
    first = Permohonan.objects.create(nomor="P-TIGA", jenis=Jenis.AK1, dibuka_oleh=operator)
    stale = Permohonan.objects.get(pk=first.pk)
    assert first.applicant_claim(nik_hmac="a" * 64) is Claim.FRESH
    assert stale.applicant_claim(nik_hmac="b" * 64) is Claim.OTHER
    assert Permohonan.objects.get(pk=first.pk).applicant_claim(nik_hmac="a" * 64) is Claim.HELD
    stale.applicant_release(nik_hmac="b" * 64)  # releases only its own claim
    assert Permohonan.objects.get(pk=first.pk).nik_hmac == "a" * 64


@pytest.mark.django_db
def test_existing_requests_are_back_filled_from_the_audit(make_user) -> None:
    operator = make_user()
    bound = Permohonan.objects.create(nomor="P-LAMA", jenis=Jenis.AK1, dibuka_oleh=operator)
    untouched = Permohonan.objects.create(nomor="P-KOSONG", jenis=Jenis.AK1, dibuka_oleh=operator)
    for jenis, nik in ((Kind.REFUSAL, NIK_FOUND[2]), (Kind.SENT, NIK_FOUND[0]), (Kind.LOOKUP, NIK_FOUND[0])):
        audit_append(operator_id=operator.pk, operator_username=operator.username, client_ip=None,
                     permohonan_ref="P-LAMA", kind=jenis, mode=Mode.TERHUBUNG, nik=nik)
    audit_append(operator_id=operator.pk, operator_username=operator.username, client_ip=None,
                 permohonan_ref="P-KOSONG", kind=Kind.REFUSAL, mode=Mode.TERHUBUNG, nik=NIK_FOUND[1])
    migration = importlib.import_module("layanan.migrations.0002_permohonan_nik_hmac")
    migration.backfill(django_apps, None)
    bound.refresh_from_db()
    untouched.refresh_from_db()
    assert bound.nik_hmac == nik_hmac(NIK_FOUND[0]) and untouched.nik_hmac == ""
    assert AuditEntry.objects.count() == 4  # the audit is read, never changed
