"""Lampiran II's flow: every transition, every refused one, and each outcome's effect on approval."""

from __future__ import annotations

import pytest
from django.urls import reverse

from akun.models import User
from dukcapil_sim import NIK_DECEASED, NIK_FOUND, NIK_NOT_FOUND, person
from layanan.models import AturanPersetujuan, DokumenSyarat, Identitas, Jenis, Permohonan, Status
from layanan.services import TransitionRefused, permohonan_open, permohonan_transition
from layanan.workflow import TRANSITIONS, transitions_from
from tests.asking import asker_for
from tests.conftest import verified_client
from tests.layanan.applicants import applicant_with_consent, form_post
from verifikasi.audit import audit_append
from verifikasi.elements import FIELDS, Stated
from verifikasi.keyed import nik_hmac
from verifikasi.models import Kind, Mode
from verifikasi.selectors import Verdict, answer_decision
from verifikasi.services import lookup_perform

NIK = "3303014504900002"
ALL_SESUAI: dict[str, bool | None] = {key: True for key, _ in FIELDS}


def _answered(permohonan: Permohonan, user: User, outcome: str, kecocokan: dict[str, bool | None]) -> None:
    """As a lookup leaves it: the request bound to its applicant, the answer in the audit."""
    Permohonan.objects.filter(pk=permohonan.pk).update(nik_hmac=nik_hmac(NIK))
    permohonan.refresh_from_db()
    audit_append(operator_id=user.pk, operator_username=user.username, client_ip=None,
                 permohonan_ref=permohonan.nomor, kind=Kind.LOOKUP, mode=Mode.TERHUBUNG, outcome=outcome,
                 nik=NIK, kecocokan=kecocokan)


def _move(permohonan: Permohonan, name: str, user: User, note: str = "") -> Permohonan:
    return permohonan_transition(permohonan=permohonan, name=name, operator=user, note=note)


def test_a_request_with_every_required_document_goes_straight_to_checking(petugas) -> None:
    permohonan = permohonan_open(operator=petugas, jenis=Jenis.AK1)
    assert permohonan.status == Status.PEMERIKSAAN
    assert list(permohonan.langkah.values_list("transisi", "ke")) == [
        ("diajukan", "diajukan"), ("dokumen_lengkap", "pemeriksaan")]


def test_a_missing_required_document_keeps_the_request_submitted_and_refuses_checking(petugas) -> None:
    optional = DokumenSyarat.objects.filter(jenis=Jenis.AK1, wajib=False)
    permohonan = permohonan_open(operator=petugas, jenis=Jenis.AK1, identitas=Identitas.IKD, dokumen=optional)
    assert permohonan.status == Status.DIAJUKAN and permohonan.identitas == Identitas.IKD
    with pytest.raises(TransitionRefused, match="Dokumen wajib belum diserahkan: KTP-el atau IKD pemohon"):
        _move(permohonan, "dokumen_lengkap", petugas)
    permohonan_transition(permohonan=permohonan, name="dokumen_lengkap", operator=petugas,
                          dokumen=DokumenSyarat.objects.filter(jenis=Jenis.AK1))
    assert permohonan.status == Status.PEMERIKSAAN


def test_the_whole_flow_from_submission_to_done_records_who_when_and_why(petugas) -> None:
    permohonan = permohonan_open(operator=petugas, jenis=Jenis.AK1)
    _answered(permohonan, petugas, "13", {})
    with pytest.raises(TransitionRefused, match="belum dapat disetujui"):
        _move(permohonan, "setujui", petugas)
    _move(permohonan, "kembalikan", petugas, "NIK di formulir berbeda dengan KTP-el; minta fotokopi KTP-el baru")
    _move(permohonan, "perbaikan_diterima", petugas, "Pemohon membawa fotokopi KTP-el yang benar")
    _answered(permohonan, petugas, "01", ALL_SESUAI)
    applicant_with_consent(permohonan, petugas)  # an AK/1 is issued only to an applicant on record
    for name in ("setujui", "terbitkan", "serahkan"):
        _move(permohonan, name, petugas)
    assert permohonan.status == Status.SELESAI
    steps = list(permohonan.langkah.values_list("transisi", "dari", "ke", "oleh", "catatan"))
    assert [s[0] for s in steps] == ["diajukan", "dokumen_lengkap", "kembalikan", "perbaikan_diterima", "setujui",
                                     "terbitkan", "serahkan"]
    assert all(s[3] == petugas.pk for s in steps) and steps[2][4].startswith("NIK di formulir berbeda")
    assert (steps[2][1], steps[2][2]) == ("pemeriksaan", "dikembalikan")


@pytest.mark.parametrize("name", [t for t in TRANSITIONS if t not in ("setujui", "kembalikan", "tutup")])
def test_a_transition_not_allowed_from_checking_is_refused_and_changes_nothing(petugas, name) -> None:
    permohonan = permohonan_open(operator=petugas, jenis=Jenis.PELATIHAN)
    before = permohonan.langkah.count()
    with pytest.raises(TransitionRefused, match="tidak dapat dilakukan: permohonan .* berstatus"):
        _move(permohonan, name, petugas, "catatan")
    permohonan.refresh_from_db()
    assert permohonan.status == Status.PEMERIKSAAN and permohonan.langkah.count() == before


def test_sending_back_needs_its_note_and_an_unknown_step_is_refused(petugas) -> None:
    permohonan = permohonan_open(operator=petugas, jenis=Jenis.AK1)
    with pytest.raises(TransitionRefused, match="Tulis catatan"):
        _move(permohonan, "kembalikan", petugas, "   ")
    with pytest.raises(TransitionRefused, match="tidak dikenal"):
        _move(permohonan, "terbang", petugas)
    assert Permohonan.objects.get(pk=permohonan.pk).status == Status.PEMERIKSAAN


def test_a_closed_request_offers_nothing_more() -> None:
    assert transitions_from(Status.SELESAI) == []
    assert [t.name for t in transitions_from(Status.PEMERIKSAAN)] == ["setujui", "kembalikan", "tutup"]


@pytest.mark.parametrize(("outcome", "kecocokan", "verdict"), [
    ("01", ALL_SESUAI, Verdict.APPROVE),
    ("01", {**ALL_SESUAI, "alamat": None, "jenis_pekerjaan": None}, Verdict.APPROVE),  # not required
    ("01", {**ALL_SESUAI, "alamat": False}, Verdict.SEND_BACK),  # no element Tidak Sesuai
    ("01", {**ALL_SESUAI, "jenis_kelamin": None}, Verdict.UNDECIDED),  # a required element unchecked
    ("11", {}, Verdict.BLOCKED), ("12", {}, Verdict.BLOCKED), ("14", {}, Verdict.BLOCKED),
    ("13", {}, Verdict.SEND_BACK), ("15", {}, Verdict.SEND_BACK),
    ("GF", {}, Verdict.UNDECIDED), ("03", {}, Verdict.UNDECIDED), ("05", {}, Verdict.UNDECIDED),
])
def test_each_outcome_decides_approval_as_lampiran_ii_says(outcome, kecocokan, verdict) -> None:
    decision = answer_decision(outcome=outcome, kecocokan=kecocokan)
    assert decision.verdict is verdict
    assert bool(decision.advice) == (verdict is Verdict.BLOCKED)


def test_the_admin_may_require_more_elements(petugas) -> None:
    permohonan = permohonan_open(operator=petugas, jenis=Jenis.AK1)
    _answered(permohonan, petugas, "01", {**ALL_SESUAI, "alamat": None})
    AturanPersetujuan.objects.create(wajib_alamat=True)
    with pytest.raises(TransitionRefused, match="Elemen wajib belum dinyatakan Sesuai: Alamat Sekarang"):
        _move(permohonan, "setujui", petugas)


def test_the_latest_answer_decides_and_only_for_the_requests_own_applicant(petugas) -> None:
    permohonan = permohonan_open(operator=petugas, jenis=Jenis.AK1)
    _answered(permohonan, petugas, "01", ALL_SESUAI)
    audit_append(operator_id=petugas.pk, operator_username=petugas.username, client_ip=None,
                 permohonan_ref=permohonan.nomor, kind=Kind.LOOKUP, mode=Mode.TERHUBUNG, outcome="01",
                 nik="3303014504900003", kecocokan={**ALL_SESUAI, "nama_lengkap": False})  # another NIK
    assert _move(permohonan, "setujui", petugas).status == Status.DISETUJUI


def test_a_deceased_record_blocks_issuance_with_the_guidelines_advice(connected, ready_petugas) -> None:
    permohonan = permohonan_open(operator=ready_petugas, jenis=Jenis.AK1)
    lookup_perform(asker=asker_for(ready_petugas, permohonan.nomor), nik=NIK_DECEASED, stated=Stated(nik=NIK_DECEASED))
    page = verified_client(ready_petugas).get(reverse("layanan:periksa", args=[permohonan.pk])).content.decode()
    assert "Dokumen tidak dapat diterbitkan" in page and "Dinas Dukcapil" in page
    assert "Setujui permohonan" not in page  # not offered while the verification does not approve
    # and refused with the reason when forced
    response = verified_client(ready_petugas).post(reverse("layanan:transisi", args=[permohonan.pk]),
                                                   {"transisi": "setujui"})
    assert response.status_code == 400 and "belum dapat disetujui" in response.content.decode()


def test_the_page_walks_a_found_and_matching_lookup_to_issuance(connected, ready_petugas) -> None:
    p = person(NIK_FOUND[0])
    assert p is not None
    permohonan = permohonan_open(operator=ready_petugas, jenis=Jenis.AK1)
    client = verified_client(ready_petugas)
    stated = {"nik": p.nik, "nama_lengkap": p.nama, "jenis_kelamin": p.jenis_kelamin,
              "tanggal_lahir": p.tanggal_lahir.strftime("%d-%m-%Y")}
    page = client.post(reverse("layanan:periksa_nik", args=[permohonan.pk]), stated).content.decode()
    assert "Sesuai: permohonan dapat disetujui" in page and "Setujui permohonan" in page
    client.post(reverse("layanan:pemohon_simpan", args=[permohonan.pk]), form_post(p.nik))
    for name in ("setujui", "terbitkan"):
        assert client.post(reverse("layanan:transisi", args=[permohonan.pk]), {"transisi": name}).status_code == 302
    assert Permohonan.objects.get(pk=permohonan.pk).status == Status.DITERBITKAN


def test_a_not_found_answer_offers_sending_back_with_its_note(connected, ready_petugas) -> None:
    permohonan = permohonan_open(operator=ready_petugas, jenis=Jenis.AK1)
    asker = asker_for(ready_petugas, permohonan.nomor)
    lookup_perform(asker=asker, nik=NIK_NOT_FOUND, stated=Stated(nik=NIK_NOT_FOUND))
    client = verified_client(ready_petugas)
    page = client.get(reverse("layanan:periksa", args=[permohonan.pk])).content.decode()
    assert "kembalikan untuk perbaikan" in page
    done = client.post(reverse("layanan:transisi", args=[permohonan.pk]),
                       {"transisi": "kembalikan", "catatan": "NIK pada formulir salah ketik; bawa KTP-el asli"})
    assert done.status_code == 302 and Permohonan.objects.get(pk=permohonan.pk).status == Status.DIKEMBALIKAN


def test_the_admin_keeps_the_checklist_and_the_approval_rules(admin_user) -> None:
    client = verified_client(admin_user)
    for name in ("dokumensyarat", "aturanpersetujuan"):
        assert client.get(reverse(f"admin:layanan_{name}_changelist")).status_code == 200
    assert client.get(reverse("admin:layanan_aturanpersetujuan_add")).status_code == 200


def test_a_change_of_the_rules_counts_from_the_next_decision(petugas) -> None:
    from layanan.models import approval_extra_required

    assert approval_extra_required() == ()  # read once, cached
    rules = AturanPersetujuan.objects.create(wajib_alamat=True)
    assert approval_extra_required() == ("alamat",)  # the save cleared the cached rules
    rules.wajib_alamat = False
    rules.save()
    assert approval_extra_required() == ()


def test_opening_at_the_counter_records_the_identity_and_asks_for_the_documents(ready_petugas) -> None:
    client = verified_client(ready_petugas)
    refused = client.post(reverse("layanan:daftar"), {"jenis": Jenis.AK1, "identitas": "paspor"})
    assert refused.status_code == 400 and "identitas yang ditunjukkan" in refused.content.decode()
    assert not Permohonan.objects.exists()
    client.post(reverse("layanan:daftar"), {"jenis": Jenis.AK1, "identitas": Identitas.IKD})
    permohonan = Permohonan.objects.get()
    assert (permohonan.status, permohonan.identitas) == (Status.DIAJUKAN, Identitas.IKD)
    page = client.get(reverse("layanan:periksa", args=[permohonan.pk])).content.decode()
    assert "Dokumen yang diserahkan pemohon" in page and 'name="nik"' not in page  # no lookup before the documents
