"""Writes of the counter's work: opening a service request and moving it along Lampiran II's flow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation

from akun.models import User
from balikan.models import Peristiwa
from balikan.services import balikan_record_create
from verifikasi.selectors import REQUIRED_ELEMENTS, VerificationDecision, answer_decision, verification_decision
from verifikasi.services import nik_hmac

from .ak1 import IssueRefused, ak1_issue
from .models import (
    AngkatanPelatihan,
    DokumenSyarat,
    Identitas,
    Jenis,
    Langkah,
    Pemohon,
    Penempatan,
    Permohonan,
    PesertaPelatihan,
    Status,
    approval_extra_required,
)
from .pemohon import consent_active
from .workflow import TRANSITIONS, Transition


class TransitionRefused(Exception):
    """A transition the request's state or facts do not allow; `message` says why, in Indonesian."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def required_documents(jenis: str) -> list[DokumenSyarat]:
    return list(DokumenSyarat.objects.filter(jenis=jenis, wajib=True, aktif=True))


def permohonan_open(*, operator: User, jenis: Jenis, identitas: Identitas = Identitas.KTP_EL,
                    dokumen: Iterable[DokumenSyarat] | None = None) -> Permohonan:
    """Open a service request for the applicant at the counter; numbered per day.

    `dokumen` are the documents handed over (None: every required one). With every required
    document handed over the request goes straight to checking, where the NIK is looked up.
    """
    prefix = f"P-{timezone.localdate():%Y%m%d}-"
    for _attempt in range(20):
        count = Permohonan.objects.filter(nomor__startswith=prefix).count()
        try:
            with transaction.atomic():
                permohonan = Permohonan.objects.create(nomor=f"{prefix}{count + 1:04d}", jenis=jenis,
                                                       identitas=identitas, dibuka_oleh=operator)
                Langkah.objects.create(permohonan=permohonan, transisi="diajukan", ke=Status.DIAJUKAN, oleh=operator,
                                       catatan=f"Identitas: {Identitas(identitas).label}")
                handed = required_documents(jenis) if dokumen is None else list(dokumen)
                permohonan.dokumen.set(handed)
                if not _missing_documents(permohonan):
                    _move(permohonan, TRANSITIONS["dokumen_lengkap"], operator=operator, note="")
                return permohonan
        except IntegrityError:
            continue  # another officer took this number at the same moment
    raise RuntimeError("Nomor permohonan tidak dapat dibuat; coba lagi.")


def _missing_documents(permohonan: Permohonan) -> list[str]:
    handed = set(permohonan.dokumen.values_list("pk", flat=True))
    return [d.nama for d in required_documents(permohonan.jenis) if d.pk not in handed]


def approval_decision(permohonan: Permohonan, *, answer: tuple[str, dict[str, bool | None]] | None = None,
                      ) -> VerificationDecision:
    """verifikasi's decision on the latest answer for this request's applicant, with the admin's rules.

    `answer` (category, per-field booleans) is that latest answer when the caller holds it already.
    """
    required = REQUIRED_ELEMENTS + approval_extra_required()
    if answer is not None:
        return answer_decision(outcome=answer[0], kecocokan=answer[1], required=required)
    return verification_decision(permohonan_ref=permohonan.nomor, nik_hmac=permohonan.nik_hmac, required=required)


def permohonan_transition(*, permohonan: Permohonan, name: str, operator: User, note: str = "",
                          dokumen: Iterable[DokumenSyarat] | None = None, ak1_number: str = "") -> Permohonan:
    """Move the request along the transition `name`, recording who, when and the note.

    `terbitkan` on an AK/1 request issues the card in the same transaction (`layanan.ak1.ak1_issue`;
    `ak1_number` is the number SIAPkerja gave, when AK1_SOURCE=siapkerja).

    Raises TransitionRefused (nothing changes) when the transition is unknown, not allowed
    from the request's state, lacks its note, or its facts say no (documents missing,
    verification not approving).
    """
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise TransitionRefused("Langkah itu tidak dikenal.")
    note = note.strip()
    with transaction.atomic():
        locked = Permohonan.objects.select_for_update().get(pk=permohonan.pk)
        if not transition.allowed_from(locked.status):
            raise TransitionRefused(f"\u201c{transition.label}\u201d tidak dapat dilakukan: permohonan "
                                    f"{locked.nomor} berstatus \u201c{locked.get_status_display()}\u201d.")
        if transition.needs_note and not note:
            raise TransitionRefused(f"Tulis catatan untuk \u201c{transition.label}\u201d: {transition.needs_note}.")
        if dokumen is not None:
            locked.dokumen.set(list(dokumen))
        if name == "dokumen_lengkap" and (missing := _missing_documents(locked)):
            raise TransitionRefused(f"Dokumen wajib belum diserahkan: {', '.join(missing)}.")
        if name == "setujui":
            decision = approval_decision(locked)
            if not decision.approved:
                raise TransitionRefused(" ".join(("Permohonan belum dapat disetujui.", *decision.reasons)))
            if locked.jenis == Jenis.PELATIHAN and not PesertaPelatihan.objects.filter(permohonan=locked).exists():
                raise TransitionRefused("Pilih angkatan pelatihan peserta sebelum menyetujui pendaftaran.")
        if name == "tutup":
            _closing_return_data(locked, note=note)
        if name == "terbitkan" and locked.jenis == Jenis.AK1:
            try:
                ak1_issue(permohonan=locked, operator=operator, siapkerja_number=ak1_number)
            except IssueRefused as refused:
                raise TransitionRefused(refused.message) from refused
        _move(locked, transition, operator=operator, note=note)
    permohonan.refresh_from_db()
    return permohonan


def _move(permohonan: Permohonan, transition: Transition, *, operator: User, note: str) -> None:
    Langkah.objects.create(permohonan=permohonan, transisi=transition.name, dari=permohonan.status,
                           ke=transition.target, oleh=operator, catatan=note)
    permohonan.status = transition.target
    permohonan.save(update_fields=["status", "diubah_pada"])


def permohonan_close(*, permohonan: Permohonan, operator: User | None = None, note: str = "") -> None:
    """Close the request without issuing a document (from any open state)."""
    permohonan_transition(permohonan=permohonan, name="tutup", operator=operator or permohonan.dibuka_oleh, note=note)


class RecordRefused(Exception):
    """A training, certificate or placement record the facts do not allow; `message` says why, in Indonesian."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


FOUND_OUTCOMES = frozenset({"01", "11", "12", "14"})  # found, or found with a note (deceased, duplicate, inactive)


def _tanggal(day: dt.date) -> str:
    with translation.override("id"):
        return formats.date_format(day, "j F Y")


def _applicant_nik(permohonan: Permohonan, *, purpose: str) -> str:
    """The NIK return data is owed for: the applicant record's, which must be the NIK the request looked up."""
    pemohon = permohonan.pemohon
    if pemohon is None or not pemohon.nik:
        raise TransitionRefused(f"Catat data pemohon (dengan NIK dari dokumennya) terlebih dahulu: {purpose} "
                                "menimbulkan data balikan untuk NIK pemohon.")
    if permohonan.nik_hmac and nik_hmac(pemohon.nik) != permohonan.nik_hmac:
        raise TransitionRefused("NIK pada data pemohon berbeda dengan NIK yang diperiksa untuk permohonan ini. "
                                "Perbaiki data pemohon terlebih dahulu.")
    return pemohon.nik


def _closing_return_data(permohonan: Permohonan, *, note: str) -> None:
    """Closing after a found lookup owes return data (Pasal 3(1)b: every accessed NIK), in this transaction."""
    decision = approval_decision(permohonan)
    if decision.outcome not in FOUND_OUTCOMES:
        return
    nik = _applicant_nik(permohonan, purpose="menutup permohonan setelah NIK ditemukan")
    reason = note or " ".join(decision.reasons) or "tanpa catatan petugas"
    try:
        balikan_record_create(peristiwa=Peristiwa.TANPA_PENERBITAN, nik=nik, permohonan_ref=permohonan.nomor,
                              values={"keterangan_pencari_kerja": f"Permohonan ditutup tanpa penerbitan: {reason}"})
    except ValidationError as invalid:
        raise TransitionRefused(" ".join(invalid.messages)) from invalid


def participant_register(*, permohonan: Permohonan, angkatan: AngkatanPelatihan, operator: User) -> PesertaPelatihan:
    """Register a training request in a batch (or move it to another batch) while the request is open.

    The batch row is locked while its seats are counted, so two officers cannot take its last seat
    together. RecordRefused: not a training request, not open any more, batch inactive or full.
    """
    if permohonan.jenis != Jenis.PELATIHAN:
        raise RecordRefused("Hanya permohonan pendaftaran pelatihan yang dapat didaftarkan ke angkatan pelatihan.")
    with transaction.atomic():
        locked = Permohonan.objects.select_for_update().get(pk=permohonan.pk)
        if locked.status not in (Status.DIAJUKAN, Status.PEMERIKSAAN, Status.DIKEMBALIKAN):
            raise RecordRefused(f"Angkatan tidak dapat diubah: permohonan {locked.nomor} berstatus "
                                f"\u201c{locked.get_status_display()}\u201d.")
        batch = AngkatanPelatihan.objects.select_for_update(of=("self",)).select_related("jenis").get(pk=angkatan.pk)
        if not batch.aktif or not batch.jenis.aktif:
            raise RecordRefused(f"{batch} tidak dibuka untuk pendaftaran.")
        current = PesertaPelatihan.objects.filter(permohonan=locked).first()
        if current is not None and current.angkatan_id == batch.pk:
            return current
        taken = (PesertaPelatihan.objects.filter(angkatan=batch)
                 .exclude(permohonan__langkah__transisi="tutup").count())  # a request closed unissued frees its seat
        if taken >= batch.kuota:
            raise RecordRefused(f"Kuota {batch} sudah penuh ({taken} dari {batch.kuota} kursi terisi). "
                                "Pilih angkatan lain.")
        if current is None:
            return PesertaPelatihan.objects.create(permohonan=locked, angkatan=batch, didaftarkan_oleh=operator)
        current.angkatan = batch
        current.didaftarkan_oleh = operator
        current.save(update_fields=["angkatan", "didaftarkan_oleh"])
        return current


def certificate_record(*, permohonan: Permohonan, nomor: str, tanggal: dt.date, operator: User) -> PesertaPelatihan:
    """Record the participant's certificate on completion, owing its return data in the same transaction.

    RecordRefused: no registration, registration not issued yet, certificate already recorded, no
    applicant record with the NIK, or a value too long for the return data (never truncated).
    """
    nomor = nomor.strip()
    if not nomor:
        raise RecordRefused("Isi nomor sertifikat pelatihan.")
    with transaction.atomic():
        locked = Permohonan.objects.select_for_update(of=("self",)).select_related("pemohon").get(pk=permohonan.pk)
        peserta = (PesertaPelatihan.objects.select_for_update(of=("self",)).select_related("angkatan__jenis")
                   .filter(permohonan=locked).first())
        if peserta is None:
            raise RecordRefused("Permohonan ini belum terdaftar di angkatan pelatihan mana pun.")
        if locked.status not in (Status.DITERBITKAN, Status.SELESAI):
            raise RecordRefused("Sertifikat dicatat setelah pendaftaran disetujui dan diterbitkan.")
        if peserta.nomor_sertifikat:
            raise RecordRefused(f"Sertifikat peserta ini sudah dicatat: {peserta.nomor_sertifikat}.")
        try:
            nik = _applicant_nik(locked, purpose="mencatat sertifikat")
            balikan_record_create(peristiwa=Peristiwa.SERTIFIKAT, nik=nik, permohonan_ref=locked.nomor, values={
                "nomor_sertifikat_pelatihan": nomor, "jenis_pelatihan": peserta.angkatan.jenis.nama})
        except TransitionRefused as refused:
            raise RecordRefused(refused.message) from refused
        except ValidationError as invalid:
            raise RecordRefused(" ".join(invalid.messages)) from invalid
        peserta.nomor_sertifikat = nomor
        peserta.tanggal_sertifikat = tanggal
        peserta.selesai_pada = timezone.now()
        peserta.save(update_fields=["nomor_sertifikat", "tanggal_sertifikat", "selesai_pada"])
    return peserta


def placement_text(*, jabatan: str, pemberi_kerja: str, place: str, tanggal_mulai: dt.date) -> str:
    return f"{jabatan} di {pemberi_kerja}, {place}, mulai {_tanggal(tanggal_mulai)}"


def placement_record(*, pemohon: Pemohon, operator: User, pemberi_kerja: str, jabatan: str, kota: str,
                     tanggal_mulai: dt.date, luar_negeri: bool = False, negara: str = "") -> Penempatan:
    """Record a registered job seeker's placement, owing its return data in the same transaction.

    A registered job seeker is, for now, an applicant with an AK/1 request issued or done.
    RecordRefused: not registered, a place missing, or the return-data text over its limit (never truncated).
    """
    if not consent_active(pemohon):
        raise RecordRefused("Persetujuan pemohon telah ditarik: datanya tidak dipakai lagi, penempatan tidak dicatat.")
    pemberi_kerja, jabatan, kota, negara = (v.strip() for v in (pemberi_kerja, jabatan, kota, negara))
    if luar_negeri and (not negara or negara.casefold() == "indonesia"):
        raise RecordRefused("Penempatan di luar negeri: isi negara tujuan.")
    if not (pemberi_kerja and jabatan and kota):
        raise RecordRefused("Isi pemberi kerja, jabatan dan kota/kabupaten tempat bekerja.")
    with transaction.atomic():
        ak1 = (Permohonan.objects.select_for_update().filter(
            pemohon=pemohon, jenis=Jenis.AK1, status__in=(Status.DITERBITKAN, Status.SELESAI))
            .order_by("-dibuka_pada").first())
        if ak1 is None:
            raise RecordRefused(f"{pemohon.nama_lengkap} belum terdaftar sebagai pencari kerja: "
                                "penempatan dicatat setelah kartu AK/1 diterbitkan.")
        placement = Penempatan.objects.create(
            pemohon=pemohon, permohonan=ak1, pemberi_kerja=pemberi_kerja, jabatan=jabatan, kota=kota,
            luar_negeri=luar_negeri, negara=negara if luar_negeri else "Indonesia", tanggal_mulai=tanggal_mulai,
            dicatat_oleh=operator)
        text = placement_text(jabatan=jabatan, pemberi_kerja=pemberi_kerja, place=placement.place,
                              tanggal_mulai=tanggal_mulai)
        try:
            balikan_record_create(peristiwa=Peristiwa.PENEMPATAN, nik=pemohon.nik, permohonan_ref=ak1.nomor,
                                  values={"penempatan_kerja": text})
        except ValidationError as invalid:
            raise RecordRefused(" ".join(invalid.messages)) from invalid
    return placement
