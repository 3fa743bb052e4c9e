"""The applicant's own record (UU 27/2022): consent first, then the data typed from the documents.

Never filled from a Dukcapil answer. Withdrawal stops further use and schedules removal;
`retention_plan` / `retention_apply` remove or anonymise what is past its time, never a record
whose return data is still owed to Dukcapil.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from akun.models import User
from balikan.models import Balikan, StatusBalikan
from verifikasi.services import nik_hmac

from .models import Pemohon, Permohonan, Persetujuan

# Shown to the applicant before their data is kept, and stored verbatim on each consent row.
CONSENT_TEXT = (
    "Saya menyetujui Dinas Tenaga Kerja Kabupaten Purbalingga menyimpan dan memproses data pribadi saya "
    "sebagaimana tertulis dalam formulir permohonan dan dokumen yang saya serahkan (NIK, nama, tempat dan "
    "tanggal lahir, jenis kelamin, status perkawinan, agama, alamat, pendidikan, keterampilan dan pengalaman "
    "kerja) untuk layanan pencari kerja dan pelatihan kerja, termasuk penerbitan kartu AK/1 dan pengiriman data "
    "balikan kepada Dinas Kependudukan dan Pencatatan Sipil. Data disimpan selama masa retensi yang ditetapkan "
    "dan tidak kurang dari masa berlaku kartu AK/1. Saya berhak meminta salinan data saya beserta riwayat "
    "pemrosesannya, meminta perbaikan, dan menarik persetujuan ini kapan saja (UU Nomor 27 Tahun 2022 tentang "
    "Pelindungan Data Pribadi)."
)

APPLICANT_FIELDS = ("nik", "nama_lengkap", "tempat_lahir", "tanggal_lahir", "jenis_kelamin", "status_perkawinan",
                    "agama", "alamat", "pendidikan", "keterampilan", "pengalaman")


class ApplicantRefused(Exception):
    """The applicant's data cannot be kept or used; `message` says why, in Indonesian."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def consent_active(pemohon: Pemohon) -> bool:
    """A consent given and not withdrawn (the record is usable)."""
    return pemohon.dianonimkan_pada is None and pemohon.persetujuan.filter(ditarik_pada__isnull=True).exists()


def pemohon_record(*, permohonan: Permohonan, operator: User, data: Mapping[str, Any],
                   consent_given: bool) -> Pemohon:
    """Keep the applicant's data as typed from the documents and link it to the request.

    A new record needs the applicant's consent (`consent_given`): the consent row (CONSENT_TEXT,
    who, when) is written with it. A record already linked is corrected (consent still in force).
    Raises ApplicantRefused: no consent, consent withdrawn, or a NIK other than the request's.
    """
    nik = str(data["nik"])
    hashed = nik_hmac(nik)
    if permohonan.nik_hmac and permohonan.nik_hmac != hashed:
        raise ApplicantRefused("NIK pemohon berbeda dengan NIK yang diperiksa untuk permohonan ini.")
    with transaction.atomic():
        locked = Permohonan.objects.select_for_update().get(pk=permohonan.pk)
        pemohon = locked.pemohon
        if pemohon is not None and pemohon.nik_hmac == hashed:
            if not consent_active(pemohon):
                raise ApplicantRefused("Persetujuan pemohon telah ditarik: datanya tidak dapat dipakai lagi.")
            return pemohon_correct(pemohon=pemohon, operator=operator, data=data)
        if not consent_given:
            raise ApplicantRefused("Data pemohon tidak disimpan: pemohon belum menyatakan persetujuan. Bacakan atau "
                                   "tunjukkan teks persetujuan, lalu centang kotak persetujuan.")
        pemohon = Pemohon(dicatat_oleh=operator, nik_hmac=hashed,
                          **{f: data.get(f) or ("" if f != "tanggal_lahir" else None) for f in APPLICANT_FIELDS})
        pemohon.save()
        Persetujuan.objects.create(pemohon=pemohon, teks=CONSENT_TEXT, dicatat_oleh=operator)
        locked.pemohon = pemohon
        locked.save(update_fields=["pemohon", "diubah_pada"])
    permohonan.refresh_from_db()
    return pemohon


def pemohon_correct(*, pemohon: Pemohon, operator: User, data: Mapping[str, Any]) -> Pemohon:
    """The officer corrects the record at the applicant's request (the NIK too, if typed wrong)."""
    if not consent_active(pemohon):
        raise ApplicantRefused("Persetujuan pemohon telah ditarik: datanya tidak dapat diubah atau dipakai lagi.")
    for f in APPLICANT_FIELDS:
        if f in data:
            setattr(pemohon, f, data[f] or ("" if f != "tanggal_lahir" else None))
    pemohon.nik_hmac = nik_hmac(pemohon.nik)
    pemohon.diubah_oleh = operator
    pemohon.save()
    return pemohon


def consent_withdraw(*, pemohon: Pemohon, operator: User) -> int:
    """The applicant withdraws consent: no further use, removal scheduled (see `retention_plan`).

    Returns the number of consent rows withdrawn (0: none was in force).
    """
    with transaction.atomic():
        withdrawn = pemohon.persetujuan.filter(ditarik_pada__isnull=True).update(ditarik_pada=timezone.now())
        Pemohon.objects.filter(pk=pemohon.pk).update(diubah_oleh=operator, diubah_pada=timezone.now())
    return withdrawn


@dataclass(frozen=True)
class RetentionItem:
    pemohon_id: int
    label: str  # masked NIK only: the dry run's list may be pasted into a ticket
    reason: str
    action: str  # "hapus", "anonimkan" or "tahan"


def _masked(p: Pemohon) -> str:
    return f"{p.nik[:4]}********{p.nik[12:]}" if len(p.nik) == 16 else "-"


def retention_plan(*, now: dt.datetime | None = None) -> list[RetentionItem]:
    """What `pemohon_retensi` would do: records last used before the retention period, or whose consent
    was withdrawn; each deleted (no request refers to it), anonymised (its requests remain), or held
    while the return-data queue still owes Dukcapil a record for its NIK."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.APPLICANT_RETENTION_DAYS)
    items: list[RetentionItem] = []
    candidates = (Pemohon.objects.filter(dianonimkan_pada__isnull=True)
                  .annotate(last_request=Max("permohonan__dibuka_pada")).order_by("pk"))
    for p in candidates:
        last_used = max(filter(None, (p.diubah_pada, p.last_request)))
        withdrawn = not p.persetujuan.filter(ditarik_pada__isnull=True).exists()
        if withdrawn:
            reason = "persetujuan ditarik"
        elif last_used < cutoff:
            reason = f"terakhir dipakai {timezone.localtime(last_used):%d-%m-%Y}, melewati masa retensi"
        else:
            continue
        owed = Balikan.objects.filter(nik_hmac=p.nik_hmac).exclude(status=StatusBalikan.TERKIRIM).exists()
        if owed:
            action = "tahan"
            reason += "; data balikan untuk NIK ini belum terkirim"
        else:
            action = "anonimkan" if p.permohonan.exists() else "hapus"
        items.append(RetentionItem(pemohon_id=p.pk, label=_masked(p), reason=reason, action=action))
    return items


def retention_apply(items: list[RetentionItem]) -> None:
    """Carry out a plan: each record in its own transaction, the return-data check made again under lock."""
    for item in items:
        if item.action == "tahan":
            continue
        with transaction.atomic():
            p = Pemohon.objects.select_for_update().filter(pk=item.pemohon_id, dianonimkan_pada__isnull=True).first()
            if p is None:
                continue
            if Balikan.objects.filter(nik_hmac=p.nik_hmac).exclude(status=StatusBalikan.TERKIRIM).exists():
                continue  # owed since the plan was made
            if not p.permohonan.exists():
                p.delete()
                continue
            for f in APPLICANT_FIELDS:
                setattr(p, f, None if f == "tanggal_lahir" else "")
            p.nama_lengkap = "(dianonimkan)"
            p.nik_hmac = ""
            p.dianonimkan_pada = timezone.now()
            p.save()
            p.persetujuan.filter(ditarik_pada__isnull=True).update(ditarik_pada=p.dianonimkan_pada)
