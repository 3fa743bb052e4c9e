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


def _typo_of(nik: str) -> str:
    """The same NIK with the serial one off: a neighbour the simulator does not know (not found)."""
    return nik[:12] + f"{int(nik[12:]) + 1:04d}"


REASON = "NIK pada formulir salah ketik; dicocokkan dengan KTP-el asli"


def test_a_nik_not_found_may_be_corrected_with_a_reason_and_the_request_follows_it(connected, ready_petugas) -> None:
    right = NIK_FOUND[0]
    first = lookup_perform(asker=asker_for(ready_petugas, "P-KOREKSI"), nik=_typo_of(right),
                           stated=Stated(nik=_typo_of(right)))
    assert first.result is not None and first.result.outcome.value == "13"
    refused = lookup_perform(asker=asker_for(ready_petugas, "P-KOREKSI"), nik=right, stated=Stated(nik=right))
    assert refused.correctable and "tulis alasan koreksi" in refused.refusals[0]
    corrected = lookup_perform(asker=asker_for(ready_petugas, "P-KOREKSI"), nik=right, stated=Stated(nik=right),
                               correction_reason=REASON)
    assert not corrected.refused and corrected.result is not None and corrected.result.outcome.value == "01"
    assert Permohonan.objects.get(nomor="P-KOREKSI").nik_hmac == nik_hmac(right)
    overrides = list(AuditEntry.objects.filter(jenis=Kind.OVERRIDE).order_by("seq").values_list("alasan", flat=True))
    # The correction itself, and the same reason answering the guard's "neighbouring NIK" for this NIK only.
    assert overrides[0].startswith("Koreksi NIK pemohon (NIK sebelumnya: Data tidak ditemukan")
    assert REASON in overrides[0]
    assert "NIK berdekatan" in overrides[1] and REASON in overrides[1]


def test_a_found_first_nik_is_never_replaced_whatever_the_reason(connected, ready_petugas) -> None:
    lookup_perform(asker=asker_for(ready_petugas, "P-TETAP"), nik=NIK_FOUND[0], stated=Stated(nik=NIK_FOUND[0]))
    again = lookup_perform(asker=asker_for(ready_petugas, "P-TETAP"), nik=NIK_FOUND[2], stated=Stated(nik=NIK_FOUND[2]),
                           correction_reason=REASON)
    assert again.refused and not again.correctable and "NIK pemohon lain" in again.refusals[0]
    assert Permohonan.objects.get(nomor="P-TETAP").nik_hmac == nik_hmac(NIK_FOUND[0])


def test_a_short_correction_reason_is_refused_and_the_request_stays(connected, ready_petugas) -> None:
    typo = _typo_of(NIK_FOUND[0])
    lookup_perform(asker=asker_for(ready_petugas, "P-SINGKAT"), nik=typo, stated=Stated(nik=typo))
    short = lookup_perform(asker=asker_for(ready_petugas, "P-SINGKAT"), nik=NIK_FOUND[0],
                           stated=Stated(nik=NIK_FOUND[0]), correction_reason="salah ketik")
    assert short.refused and short.correctable
    assert Permohonan.objects.get(nomor="P-SINGKAT").nik_hmac == nik_hmac(typo)


def test_the_counter_page_offers_the_correction_box_only_when_it_may_be_used(connected, ready_petugas) -> None:
    from django.urls import reverse

    from layanan.services import permohonan_open
    from tests.conftest import verified_client

    permohonan = permohonan_open(operator=ready_petugas, jenis=Jenis.AK1)
    client = verified_client(ready_petugas)
    url = reverse("layanan:periksa_nik", args=[permohonan.pk])
    first = client.post(url, {"nik": _typo_of(NIK_FOUND[0])}).content.decode()
    assert 'name="correction_reason"' not in first
    offered = client.post(url, {"nik": NIK_FOUND[0]}).content.decode()
    assert 'name="correction_reason"' in offered and "Alasan koreksi NIK" in offered
    done = client.post(url, {"nik": NIK_FOUND[0], "correction_reason": REASON}).content.decode()
    assert "Data Ditemukan" in done and 'name="correction_reason"' not in done
