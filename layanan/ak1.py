"""AK/1 issuance: the registration number, validity, the six-monthly report-in, the QR check token.

`ak1_issue` runs inside `permohonan_transition`'s transaction for `terbitkan`: the card, its number
and the return-data record commit or roll back together.
"""

from __future__ import annotations

import datetime as dt
import enum
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from akun.models import User
from balikan.models import Peristiwa
from balikan.services import balikan_record_create

from .models import KartuAk1, LaporDiri, NomorUrut, Permohonan
from .pemohon import consent_active

COUNTER_KEY = "ak1"
REPORT_INTERVAL_MONTHS = 6
REPORTS = 4  # in the two years of validity
REPORT_GRACE_DAYS = 30  # a report-in later than this after its due date: the card has lapsed
REPORT_SOON_DAYS = 14  # listed as due this long before the date


class IssueRefused(Exception):
    """The card cannot be issued; `message` says why, in Indonesian."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day `months` later; the month's last day when it has no such day (29 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def next_number() -> int:
    """The next running number: one conditional UPDATE takes it, holding the row until commit, so
    concurrent issuers (PostgreSQL: row lock; SQLite: one writer) never share a number. Call inside a
    transaction; a rollback returns the number unused (a gap, never a repeat)."""
    for _attempt in range(3):
        if NomorUrut.objects.filter(kunci=COUNTER_KEY).update(nilai=F("nilai") + 1):
            return NomorUrut.objects.values_list("nilai", flat=True).get(kunci=COUNTER_KEY)
        try:
            with transaction.atomic():
                NomorUrut.objects.create(kunci=COUNTER_KEY, nilai=1)
            return 1
        except IntegrityError:
            continue  # another issuer created the row first: take the UPDATE path
    raise RuntimeError("Nomor AK/1 tidak dapat dibuat; coba lagi.")


def number_format(*, urut: int, tanggal: dt.date) -> str:
    return str(settings.AK1_NUMBER_FORMAT).format(urut=urut, tanggal=tanggal)


def ak1_issue(*, permohonan: Permohonan, operator: User, siapkerja_number: str = "") -> KartuAk1:
    """Issue the card for an approved AK/1 request (call inside the transition's transaction).

    Minted here (AK1_NUMBER_FORMAT) or, with AK1_SOURCE=siapkerja, the number SIAPkerja gave, typed by
    the officer. Creates the return-data record (keterangan pencari kerja) in the same transaction.
    Raises IssueRefused: no applicant record, consent missing or withdrawn, a NIK other than the one
    checked, a SIAPkerja number missing or already recorded.
    """
    if not operator.has_perm("layanan.tanda_tangan_ak1"):
        raise IssueRefused("Kartu AK/1 ditandatangani Pengantar Kerja: akun Anda tidak memegang peran Pengantar Kerja. "
                           "Minta Pengantar Kerja yang bertugas menerbitkannya, atau hubungi admin.")
    pemohon = permohonan.pemohon
    if pemohon is None:
        raise IssueRefused("Kartu AK/1 belum dapat diterbitkan: isi dahulu data pemohon dengan persetujuannya.")
    if not consent_active(pemohon):
        raise IssueRefused("Kartu AK/1 tidak dapat diterbitkan: persetujuan pemohon telah ditarik atau belum ada.")
    if permohonan.nik_hmac and pemohon.nik_hmac != permohonan.nik_hmac:
        raise IssueRefused("Kartu AK/1 tidak dapat diterbitkan: NIK data pemohon berbeda dengan NIK yang diperiksa.")
    now = timezone.now()
    today = timezone.localdate(now)
    if settings.AK1_SOURCE == "siapkerja":
        nomor = siapkerja_number.strip()
        if not nomor:
            raise IssueRefused("Tulis nomor pendaftaran AK/1 yang diberikan SIAPkerja sebelum menerbitkan.")
        if len(nomor) > 60 or KartuAk1.objects.filter(nomor=nomor).exists():
            raise IssueRefused(f"Nomor SIAPkerja {nomor[:60]} sudah tercatat untuk kartu lain atau terlalu panjang.")
    else:
        nomor = number_format(urut=next_number(), tanggal=today)
    kartu = KartuAk1.objects.create(
        nomor=nomor, dari_siapkerja=settings.AK1_SOURCE == "siapkerja", permohonan=permohonan,
        diterbitkan_pada=now, berlaku_sampai=add_months(today, 24), penandatangan=operator,
        kode_cek=secrets.token_urlsafe(12),
    )
    balikan_record_create(peristiwa=Peristiwa.PENCARI_KERJA, nik=pemohon.nik,
                          values={"keterangan_pencari_kerja": f"Terdaftar sebagai pencari kerja, AK/1 nomor {nomor}"},
                          permohonan_ref=permohonan.nomor)
    return kartu


# --- validity and report-ins ---------------------------------------------------------------

class Validity(enum.Enum):
    VALID = "berlaku"
    EXPIRED = "tidak berlaku"
    UNKNOWN = "tidak dikenal"


@dataclass(frozen=True)
class ReportDue:
    kartu: KartuAk1
    ke: int
    jatuh_tempo: dt.date


def report_dates(kartu: KartuAk1) -> list[dt.date]:
    issued = timezone.localdate(kartu.diterbitkan_pada)
    return [add_months(issued, REPORT_INTERVAL_MONTHS * n) for n in range(1, REPORTS + 1)]


def next_report(kartu: KartuAk1) -> ReportDue | None:
    done = {r.ke for r in kartu.lapor_diri.all()}
    for n, due in enumerate(report_dates(kartu), start=1):
        if n not in done:
            return ReportDue(kartu=kartu, ke=n, jatuh_tempo=due)
    return None


def lapsed(kartu: KartuAk1, *, today: dt.date) -> bool:
    """A report-in missed by more than the grace period (the card is then no longer valid)."""
    due = next_report(kartu)
    return due is not None and due.jatuh_tempo + dt.timedelta(days=REPORT_GRACE_DAYS) < today


def validity(kartu: KartuAk1 | None, *, today: dt.date | None = None) -> Validity:
    if kartu is None:
        return Validity.UNKNOWN
    today = today or timezone.localdate()
    if today > kartu.berlaku_sampai or lapsed(kartu, today=today):
        return Validity.EXPIRED
    return Validity.VALID


def reports_due(*, today: dt.date | None = None) -> tuple[list[ReportDue], list[ReportDue]]:
    """(due now or soon, lapsed) among cards still within their two years."""
    today = today or timezone.localdate()
    due: list[ReportDue] = []
    gone: list[ReportDue] = []
    cards = (KartuAk1.objects.filter(berlaku_sampai__gte=today - dt.timedelta(days=REPORT_GRACE_DAYS))
             .select_related("permohonan__pemohon").prefetch_related("lapor_diri").order_by("diterbitkan_pada"))
    for kartu in cards:
        nxt = next_report(kartu)
        if nxt is None:
            continue
        if nxt.jatuh_tempo + dt.timedelta(days=REPORT_GRACE_DAYS) < today:
            gone.append(nxt)
        elif nxt.jatuh_tempo <= today + dt.timedelta(days=REPORT_SOON_DAYS):
            due.append(nxt)
    return due, gone


def lapor_diri_record(*, kartu: KartuAk1, operator: User, on: dt.date | None = None, note: str = "") -> LaporDiri:
    """Record the next report-in of the card holder. IssueRefused when all four are recorded or the card
    is no longer valid."""
    on = on or timezone.localdate()
    with transaction.atomic():
        kartu = KartuAk1.objects.select_for_update().get(pk=kartu.pk)  # two officers at once: one records it
        nxt = next_report(kartu)
        if nxt is None:
            raise IssueRefused("Keempat lapor diri kartu ini sudah tercatat.")
        if validity(kartu, today=on) is not Validity.VALID:
            raise IssueRefused("Kartu AK/1 ini sudah tidak berlaku; pemohon perlu mendaftar kembali.")
        opens = nxt.jatuh_tempo - dt.timedelta(days=REPORT_SOON_DAYS)
        if on < opens:
            raise IssueRefused(f"Lapor diri ke-{nxt.ke} baru dapat dicatat mulai {opens:%d-%m-%Y} "
                               f"(jatuh tempo {nxt.jatuh_tempo:%d-%m-%Y}).")
        return LaporDiri.objects.create(kartu=kartu, ke=nxt.ke, dilaporkan_pada=on, dicatat_oleh=operator,
                                        catatan=note)


# --- the QR check page ----------------------------------------------------------------------

def _signer() -> signing.Signer:
    return signing.Signer(key=settings.AK1_CHECK_KEY or None, salt="layanan.ak1.cek", sep=".")


def check_token(kartu: KartuAk1) -> str:
    return _signer().sign(kartu.kode_cek)


def card_for_token(token: str) -> KartuAk1 | None:
    try:
        kode = _signer().unsign(token)
    except signing.BadSignature:
        return None
    return KartuAk1.objects.filter(kode_cek=kode).first()


def check_url(kartu: KartuAk1) -> str:
    """The QR code's address: the public check host (AK1_CHECK_BASE_URL) and the signed token."""
    return str(settings.AK1_CHECK_BASE_URL).rstrip("/") + reverse("ak1_cek", args=[check_token(kartu)])
