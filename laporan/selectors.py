"""What the semester report counts: only the portal's own facts (who, when, why, outcome).

Nothing here reads or could read a Dukcapil value: the audit chain holds outcome codes,
per-field booleans, masked and keyed NIKs; the report prints counts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from akun.models import User
from layanan.models import Jenis, Permohonan
from verifikasi.audit import ChainReport, audit_chain_check, audit_head_at, audit_unanswered
from verifikasi.elements import FIELDS, Outcome
from verifikasi.models import AuditEntry, Kind, QuotaDay
from verifikasi.quota import quota_effective

from .semester import Semester

FOUND = {Outcome.FOUND.value}
FOUND_WITH_NOTE = {Outcome.DECEASED.value, Outcome.DUPLICATE.value, Outcome.INACTIVE.value}
NOT_FOUND = {Outcome.NOT_FOUND.value, Outcome.BAD_FORMAT.value}
SENT = (Kind.SENT.value, Kind.AUTHORISATION.value)  # each spent one unit of the day's quota
ANSWERED = (Kind.LOOKUP.value, Kind.MANUAL.value)  # an outcome read from Dukcapil (or a fault)
# Rows about access to Dukcapil; report downloads and admin actions are not officers' access.
ACCESS_KINDS = (*SENT, *ANSWERED, Kind.REFUSAL.value, Kind.OVERRIDE.value)


@dataclass
class Tally:
    """One row of counts: a month, an operator, or the whole semester."""

    terhubung: int = 0  # requests the portal sent to the gateway
    manual: int = 0  # authorisations to look up in Dukcapil's own portal
    ditemukan: int = 0
    ditemukan_catatan: int = 0  # found, but deceased, duplicate or inactive
    tidak_ditemukan: int = 0
    lainnya: int = 0  # faults and refusals by Dukcapil (credentials, hours, quota)
    ditolak: int = 0  # refused by the portal before anything was sent
    dilewati: int = 0  # guard refusals overridden with a written reason

    @property
    def akses(self) -> int:
        return self.terhubung + self.manual

    def add(self, jenis: str, outcome: str, rujukan: int | None = None) -> None:
        # A lookup row without its request row was written before request rows existed (2026-12).
        if jenis == Kind.SENT or (jenis == Kind.LOOKUP and rujukan is None):
            self.terhubung += 1
        elif jenis == Kind.AUTHORISATION:
            self.manual += 1
        elif jenis == Kind.REFUSAL:
            self.ditolak += 1
        elif jenis == Kind.OVERRIDE:
            self.dilewati += 1
        if jenis in ANSWERED:
            if outcome in FOUND:
                self.ditemukan += 1
            elif outcome in FOUND_WITH_NOTE:
                self.ditemukan_catatan += 1
            elif outcome in NOT_FOUND:
                self.tidak_ditemukan += 1
            else:
                self.lainnya += 1


@dataclass(frozen=True)
class OperatorRow:
    nama: str
    nomor_pegawai: str
    jabatan: str
    tally: Tally


@dataclass(frozen=True)
class FieldRow:
    label: str
    sesuai: int
    tidak_sesuai: int


@dataclass(frozen=True)
class QuotaSummary:
    kuota: int  # the setting now (0 = unlimited)
    hari_akses: int
    total: int
    tertinggi: int
    tanggal_tertinggi: dt.date | None
    hari_habis: int


@dataclass(frozen=True)
class Figures:
    semester: Semester
    sampai: dt.datetime  # the end of the period covered (the semester's end, or now while it runs)
    berjalan: bool
    bulanan: list[tuple[dt.date, Tally]]
    jumlah: Tally
    per_hasil: list[tuple[str, str, int]]  # code, label, count
    per_operator: list[OperatorRow]
    kecocokan: list[FieldRow]
    permohonan: list[tuple[str, int]]
    kuota: QuotaSummary
    tanpa_jawaban: int  # requests sent in the period with no answer recorded (past their timeout)
    kepala_jejak: tuple[int, str]  # count and hash of the chain at `sampai`
    rantai: ChainReport  # the whole chain checked when the report was made

    @property
    def petugas_mengakses(self) -> int:
        """Officers who spent at least one access (refusals alone are not access)."""
        return sum(1 for row in self.per_operator if row.tally.akses)


def _quota_summary(semester: Semester, until: dt.date) -> QuotaSummary:
    kuota, _ = quota_effective()
    days = list(QuotaDay.objects.filter(tanggal__gte=semester.mulai, tanggal__lte=until, terpakai__gt=0))
    top = max(days, key=lambda d: (d.terpakai, d.tanggal), default=None)
    return QuotaSummary(
        kuota=kuota, hari_akses=len(days), total=sum(d.terpakai for d in days),
        tertinggi=top.terpakai if top else 0, tanggal_tertinggi=top.tanggal if top else None,
        hari_habis=sum(1 for d in days if kuota and d.terpakai >= kuota),
    )


def semester_figures(*, semester: Semester, now: dt.datetime) -> Figures:
    """Count the semester from the audit chain, the service requests and the quota days.

    A semester still running is counted up to `now`; its chain head is the head at `now`.
    """
    berjalan = now < semester.end_at
    sampai = now if berjalan else semester.end_at
    rows = AuditEntry.objects.filter(waktu__gte=semester.start_at, waktu__lt=sampai,
                                     jenis__in=ACCESS_KINDS).order_by("seq")
    months = {m: Tally() for m in semester.months()}
    jumlah, per_operator = Tally(), dict[int | None, Tally]()
    outcomes: Counter[str] = Counter()
    fields: dict[str, Counter[bool]] = {key: Counter() for key, _ in FIELDS}
    for waktu, jenis, outcome, operator_id, kecocokan, rujukan in rows.values_list(
            "waktu", "jenis", "outcome", "operator_id", "kecocokan", "rujukan").iterator():
        local = timezone.localtime(waktu)
        for tally in (months[dt.date(local.year, local.month, 1)], jumlah,
                      per_operator.setdefault(operator_id, Tally())):
            tally.add(jenis, outcome, rujukan)
        if jenis in ANSWERED:
            outcomes[outcome] += 1
            for key, match in (kecocokan or {}).items():
                if key in fields and match is not None:
                    fields[key][bool(match)] += 1
    users = User.objects.in_bulk([pk for pk in per_operator if pk is not None])
    operator_rows = sorted(
        (OperatorRow(nama=_name(users.get(pk)) if pk else "(sistem)",
                     nomor_pegawai=users[pk].nomor_pegawai if pk in users else "",
                     jabatan=users[pk].jabatan if pk in users else "", tally=tally)
         for pk, tally in per_operator.items()),
        key=lambda r: (-r.tally.akses, r.nama),
    )
    labels = {o.value: o.label for o in Outcome}
    opened = dict(Permohonan.objects.filter(dibuka_pada__gte=semester.start_at, dibuka_pada__lt=sampai)
                  .values_list("jenis").annotate(n=Count("pk")).values_list("jenis", "n"))
    return Figures(
        semester=semester, sampai=sampai, berjalan=berjalan,
        bulanan=[(m, t) for m, t in months.items() if m <= timezone.localdate(sampai)],
        jumlah=jumlah,
        per_hasil=[(code, labels.get(code, code), n) for code, n in sorted(outcomes.items())],
        per_operator=operator_rows,
        kecocokan=[FieldRow(label, fields[key][True], fields[key][False]) for key, label in FIELDS],
        permohonan=[(j.label, opened.get(j.value, 0)) for j in Jenis],
        kuota=_quota_summary(semester, timezone.localdate(sampai - dt.timedelta(microseconds=1))),
        tanpa_jawaban=len(audit_unanswered(older_than=dt.timedelta(seconds=settings.DUKCAPIL_TIMEOUT + 60),
                                           start=semester.start_at, end=sampai, now=now)),
        kepala_jejak=audit_head_at(sampai),
        rantai=audit_chain_check(),
    )


def _name(user: User | None) -> str:
    if user is None:
        return "(akun tidak ditemukan)"
    return user.nama_lengkap or user.get_username()
