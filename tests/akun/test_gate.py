"""The Dukcapil gate: NDA, the head's SPTJM, the agreement's status and end date, the stop switch."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from akun.gate import current_agreement, dukcapil_gate
from akun.models import DukcapilStop, Nda, PenanggungJawabUserId, Perjanjian, Sptjm, StatusPerjanjian, User
from akun.roles import KEPALA_DINAS
from tests.conftest import PDF_BYTES, head_with_sptjm, nda_verified, verified_client

NO_NDA = "NDA (Surat Pernyataan Menjaga Kerahasiaan Informasi) Anda belum tercatat"
NO_HEAD = "Penanggung jawab User ID (kepala dinas) belum dicatat"
NO_SPTJM = "SPTJM kepala dinas yang menjabat"
EXPIRED = "Perjanjian kerja sama berakhir pada"


def _only_reason(user: User) -> str:
    reasons = dukcapil_gate(user=user).reasons
    assert len(reasons) == 1, reasons
    return reasons[0]


def _agreement() -> Perjanjian:
    agreement = current_agreement()
    assert agreement is not None
    return agreement


def test_it_allows_an_operator_with_everything_in_order(ready_petugas: User) -> None:
    assert dukcapil_gate(user=ready_petugas).allowed


def test_it_refuses_an_operator_without_an_nda(petugas: User, kepala: User) -> None:
    head_with_sptjm(kepala=kepala)
    assert NO_NDA in _only_reason(petugas)


def test_it_refuses_an_operator_whose_nda_is_not_verified(petugas: User, kepala: User) -> None:
    head_with_sptjm(kepala=kepala)
    nda = Nda(operator=petugas, tanggal_tanda_tangan=dt.date(2025, 9, 16))
    nda.berkas.save("nda.pdf", ContentFile(PDF_BYTES), save=True)
    assert NO_NDA in _only_reason(petugas)


def test_it_refuses_everyone_while_no_head_is_recorded(petugas: User, admin_user: User) -> None:
    nda_verified(operator=petugas, by=admin_user)
    assert NO_HEAD in _only_reason(petugas)


def test_it_refuses_everyone_while_the_head_sptjm_is_not_verified(
    petugas: User, admin_user: User, kepala: User
) -> None:
    nda_verified(operator=petugas, by=admin_user)
    head_with_sptjm(kepala=kepala, verified=False)
    reason = _only_reason(petugas)
    assert NO_SPTJM in reason
    assert str(kepala) in reason


def test_it_refuses_everyone_when_only_a_previous_head_has_a_verified_sptjm(
    ready_petugas: User, make_user: Callable[..., User]
) -> None:
    new_head = make_user(KEPALA_DINAS, username="kepalabaru")
    PenanggungJawabUserId.objects.create(perjanjian=_agreement(), kepala_dinas=new_head, mulai=dt.date(2026, 3, 2))

    reason = _only_reason(ready_petugas)

    assert NO_SPTJM in reason
    assert str(new_head) in reason


def test_it_reopens_when_the_new_head_sptjm_is_verified(ready_petugas: User, make_user: Callable[..., User]) -> None:
    new_head = make_user(KEPALA_DINAS, username="kepalabaru")
    PenanggungJawabUserId.objects.create(perjanjian=_agreement(), kepala_dinas=new_head, mulai=dt.date(2026, 3, 2))
    assert not dukcapil_gate(user=ready_petugas).allowed

    sptjm = Sptjm(
        kepala_dinas=new_head,
        tanggal_tanda_tangan=dt.date(2026, 3, 2),
        diverifikasi_oleh=new_head,
        diverifikasi_pada=timezone.now(),
    )
    sptjm.berkas.save("sptjm.pdf", ContentFile(PDF_BYTES), save=True)

    assert dukcapil_gate(user=ready_petugas).allowed


def test_it_refuses_a_role_without_the_dukcapil_permission(admin_user: User, kepala: User) -> None:
    nda_verified(operator=admin_user, by=admin_user)
    head_with_sptjm(kepala=kepala)
    assert "Peran Anda tidak memiliki hak akses data Dukcapil." == _only_reason(admin_user)


def test_it_refuses_an_inactive_operator(ready_petugas: User) -> None:
    ready_petugas.is_active = False
    assert dukcapil_gate(user=ready_petugas).reasons == ("Akun tidak aktif.",)


def test_it_shows_the_reason_on_the_counter_page(petugas: User, kepala: User) -> None:
    head_with_sptjm(kepala=kepala)
    page = html.unescape(verified_client(petugas).get("/loket/").content.decode())
    assert "Akses data Dukcapil ditolak" in page
    assert NO_NDA in page


def test_it_shows_the_previous_head_reason_on_the_counter_page(
    ready_petugas: User, make_user: Callable[..., User]
) -> None:
    new_head = make_user(KEPALA_DINAS, username="kepalabaru")
    PenanggungJawabUserId.objects.create(perjanjian=_agreement(), kepala_dinas=new_head, mulai=dt.date(2026, 3, 2))
    page = html.unescape(verified_client(ready_petugas).get("/loket/").content.decode())
    assert NO_SPTJM in page
    assert str(new_head) in page


def test_it_tells_a_ready_operator_on_the_counter_page(ready_petugas: User) -> None:
    page = html.unescape(verified_client(ready_petugas).get("/loket/").content.decode())
    assert "Anda dapat melakukan verifikasi NIK ke Dukcapil." in page
    assert "Akses data Dukcapil ditolak" not in page


# --- The agreement -----------------------------------------------------------------------------


def test_it_has_the_seeded_agreement_after_migrate(db: None) -> None:
    agreement = Perjanjian.objects.get()
    assert (agreement.nomor_pihak_kesatu, agreement.nomor_pihak_kedua) == ("400.12/2430/2025", "500.15/1564/2025")
    assert agreement.tanggal_tanda_tangan == dt.date(2025, 9, 16)
    assert agreement.tanggal_berakhir == dt.date(2027, 9, 16)
    assert agreement.status == StatusPerjanjian.AKTIF


@pytest.mark.parametrize("status", [StatusPerjanjian.AKTIF, StatusPerjanjian.PERPANJANGAN])
def test_it_allows_an_agreement_in_force(status: str, db: None) -> None:
    agreement = _agreement()
    agreement.status = status
    assert agreement.refusal_reason(today=dt.date(2026, 1, 5)) is None


@pytest.mark.parametrize(
    ("status", "word"), [(StatusPerjanjian.BERAKHIR, "telah berakhir"), (StatusPerjanjian.DICABUT, "telah dicabut")]
)
def test_it_refuses_an_agreement_ended_or_revoked(status: str, word: str, db: None) -> None:
    agreement = _agreement()
    agreement.status = status
    reason = agreement.refusal_reason(today=dt.date(2026, 1, 5))
    assert reason is not None
    assert word in reason


def test_it_allows_the_last_day_of_the_agreement(db: None) -> None:
    assert _agreement().refusal_reason(today=dt.date(2027, 9, 16)) is None


def test_it_refuses_after_the_end_date_without_an_extension_request(db: None) -> None:
    reason = _agreement().refusal_reason(today=dt.date(2027, 9, 17))
    assert reason is not None
    assert f"{EXPIRED} 16-09-2027" in reason


def test_it_allows_after_the_end_date_while_an_extension_is_requested(db: None) -> None:
    agreement = _agreement()
    agreement.status = StatusPerjanjian.PERPANJANGAN
    agreement.tanggal_permohonan_perpanjangan = dt.date(2027, 7, 1)
    assert agreement.refusal_reason(today=dt.date(2027, 9, 17)) is None


def test_an_extension_status_without_its_request_letter_does_not_open_access(db: None) -> None:
    agreement = _agreement()
    agreement.status = StatusPerjanjian.PERPANJANGAN
    assert agreement.refusal_reason(today=dt.date(2027, 9, 17)) is not None
    with pytest.raises(ValidationError) as refused:
        agreement.full_clean()
    assert "tanggal_permohonan_perpanjangan" in refused.value.message_dict


def test_the_gate_reads_the_extension_request_date(ready_petugas: User) -> None:
    ended = timezone.localdate() - dt.timedelta(days=1)
    Perjanjian.objects.update(tanggal_berakhir=ended, status=StatusPerjanjian.PERPANJANGAN)
    assert EXPIRED in _only_reason(ready_petugas)
    Perjanjian.objects.update(tanggal_permohonan_perpanjangan=ended - dt.timedelta(days=70))
    assert dukcapil_gate(user=ready_petugas).allowed


@pytest.mark.parametrize(
    ("status", "word"), [(StatusPerjanjian.BERAKHIR, "telah berakhir"), (StatusPerjanjian.DICABUT, "telah dicabut")]
)
def test_it_refuses_everyone_through_the_gate_when_the_agreement_is_not_in_force(
    status: str, word: str, ready_petugas: User
) -> None:
    Perjanjian.objects.update(status=status)
    assert word in _only_reason(ready_petugas)


def test_it_refuses_through_the_gate_after_the_end_date(ready_petugas: User) -> None:
    Perjanjian.objects.update(tanggal_berakhir=timezone.localdate() - dt.timedelta(days=1))
    assert EXPIRED in _only_reason(ready_petugas)


def test_it_shows_the_agreement_reason_on_the_counter_page(ready_petugas: User) -> None:
    Perjanjian.objects.update(status=StatusPerjanjian.DICABUT)
    page = html.unescape(verified_client(ready_petugas).get("/loket/").content.decode())
    assert "Perjanjian kerja sama dengan Disdukcapil telah dicabut" in page


def test_it_refuses_everyone_when_no_agreement_is_recorded(petugas: User, admin_user: User) -> None:
    nda_verified(operator=petugas, by=admin_user)
    Perjanjian.objects.all().delete()
    assert "Perjanjian kerja sama dengan Disdukcapil belum dicatat." in dukcapil_gate(user=petugas).reasons


# --- The stop switch ---------------------------------------------------------------------------


def test_it_refuses_everyone_while_dukcapil_access_is_stopped(ready_petugas: User) -> None:
    DukcapilStop.objects.create(alasan="User ID ditolak Dukcapil", kode="03")
    reason = _only_reason(ready_petugas)
    assert "Akses Dukcapil dihentikan untuk semua petugas" in reason
    assert "User ID ditolak Dukcapil" in reason


def test_it_reopens_when_the_admin_clears_the_stop(ready_petugas: User, admin_user: User) -> None:
    stop = DukcapilStop.objects.create(alasan="User ID ditolak Dukcapil", kode="03")

    response = verified_client(admin_user).post(
        "/kelola/akun/dukcapilstop/", {"action": "clear", "_selected_action": [stop.pk]}
    )

    assert response.status_code == 302
    stop.refresh_from_db()
    assert stop.dicabut_oleh == admin_user
    assert dukcapil_gate(user=ready_petugas).allowed


def test_it_decides_in_one_query_once_the_permissions_are_loaded(
    ready_petugas: User, django_assert_num_queries: Callable[[int], AbstractContextManager[object]]
) -> None:
    assert ready_petugas.has_perm("akun.akses_dukcapil")
    with django_assert_num_queries(1):
        assert dukcapil_gate(user=ready_petugas).allowed
