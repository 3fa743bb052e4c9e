"""The gate's one-statement read gives the ORM's answer, in every state the gate distinguishes.

`_gate_facts` stays raw SQL because `bench/gate_read.py` measures what it saves against
the five ORM queries it replaces; this test holds it to their answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.utils import timezone

from akun.gate import _gate_facts, active_stop, current_agreement, current_head
from akun.models import DukcapilStop, Nda, PenanggungJawabUserId, Perjanjian, Sptjm, StatusPerjanjian, User
from akun.roles import KEPALA_DINAS
from tests.conftest import PDF_BYTES, nda_verified


def orm_facts(user_id: int) -> tuple[object, ...]:
    """The same facts read with the ORM, the way the gate read them before `_gate_facts`."""
    verified = {"diverifikasi_oleh__isnull": False, "diverifikasi_pada__isnull": False}
    head = current_head()
    agreement = current_agreement()
    stop = active_stop()
    return (
        Nda.objects.filter(operator_id=user_id, **verified).exists(),
        head.kepala_dinas_id if head else None,
        Sptjm.objects.filter(kepala_dinas_id=head.kepala_dinas_id, **verified).exists() if head else False,
        (agreement.pk, agreement.status, agreement.tanggal_berakhir, agreement.tanggal_permohonan_perpanjangan)
        if agreement else None,
        stop.pk if stop else None,
    )


def raw_facts(user_id: int) -> tuple[object, ...]:
    facts = _gate_facts(user_id=user_id)
    a = facts.agreement
    return (facts.nda_verified, facts.head_kepala_dinas_id, facts.head_sptjm_verified,
            (a.pk, a.status, a.tanggal_berakhir, a.tanggal_permohonan_perpanjangan) if a else None, facts.stop_id)


def _sptjm(kepala: User, *, verified: bool) -> None:
    from django.core.files.base import ContentFile

    s = Sptjm(kepala_dinas=kepala, tanggal_tanda_tangan=dt.date(2025, 9, 16),
              diverifikasi_oleh=kepala if verified else None, diverifikasi_pada=timezone.now() if verified else None)
    s.berkas.save("sptjm.pdf", ContentFile(PDF_BYTES), save=True)


def _agreement() -> Perjanjian:
    agreement = current_agreement()
    assert agreement is not None
    return agreement


def _head_without_sptjm(officer: User, make_user: Callable[..., User]) -> None:
    nda_verified(operator=officer)
    PenanggungJawabUserId.objects.create(perjanjian=_agreement(), kepala_dinas=make_user(KEPALA_DINAS),
                                         mulai=dt.date(2025, 9, 16))


def _no_agreement(officer: User, make_user: Callable[..., User]) -> None:
    Perjanjian.objects.all().delete()


def _two_heads(officer: User, make_user: Callable[..., User]) -> None:
    from django.core.files.base import ContentFile

    nda = Nda(operator=officer, tanggal_tanda_tangan=dt.date(2025, 9, 16))
    nda.berkas.save("nda.pdf", ContentFile(PDF_BYTES), save=True)
    old, new = make_user(KEPALA_DINAS), make_user(KEPALA_DINAS)
    agreement = _agreement()
    PenanggungJawabUserId.objects.create(perjanjian=agreement, kepala_dinas=old, mulai=dt.date(2025, 9, 16))
    PenanggungJawabUserId.objects.create(perjanjian=agreement, kepala_dinas=new, mulai=dt.date(2026, 1, 2))
    _sptjm(old, verified=False)
    _sptjm(new, verified=True)


def _agreements(officer: User, make_user: Callable[..., User]) -> None:
    first = _agreement()
    Perjanjian.objects.create(
        nomor_pihak_kesatu="400.12/1/2027", nomor_pihak_kedua="500.15/1/2027", pihak_kesatu=first.pihak_kesatu,
        pihak_kedua=first.pihak_kedua, tanggal_tanda_tangan=dt.date(2026, 1, 5), tanggal_berakhir=dt.date(2027, 1, 5),
        status=StatusPerjanjian.PERPANJANGAN, tanggal_permohonan_perpanjangan=dt.date(2026, 10, 1),
    )
    DukcapilStop.objects.create(alasan="Gagal Login", kode="03")
    DukcapilStop.objects.create(alasan="IP tidak terdaftar", kode="04", dicabut_pada=timezone.now())
    nda_verified(operator=officer)


STATES: dict[str, Callable[[User, Callable[..., User]], None]] = {
    "nothing recorded": lambda officer, make_user: None,
    "nda verified, head without sptjm": _head_without_sptjm,
    "nda unverified, two heads, the newest with a verified sptjm": _two_heads,
    "a later agreement, extension requested, a stop raised and one cleared": _agreements,
    "no agreement at all": _no_agreement,
}


@pytest.mark.parametrize("state", list(STATES))
def test_the_one_statement_read_gives_the_orms_answer(
    state: str, petugas: User, make_user: Callable[..., User],
    django_assert_num_queries: Callable[[int], AbstractContextManager[object]],
) -> None:
    STATES[state](petugas, make_user)
    expected = orm_facts(petugas.pk)
    with django_assert_num_queries(1):
        assert raw_facts(petugas.pk) == expected
    other = make_user()  # another operator's NDA is never counted
    assert raw_facts(other.pk)[0] is False and raw_facts(other.pk)[1:] == expected[1:]
