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

    connected: int = 0  # requests the portal sent to the gateway
    manual: int = 0  # authorisations to look up in Dukcapil's own portal
    found: int = 0
    found_with_note: int = 0  # found, but deceased, duplicate or inactive
    not_found: int = 0
    other: int = 0  # faults and refusals by Dukcapil (credentials, hours, quota)
    refused: int = 0  # refused by the portal before anything was sent
    overridden: int = 0  # guard refusals overridden with a written reason

    @property
    def accesses(self) -> int:
        return self.connected + self.manual

    def add(self, kind: str, outcome: str, request_seq: int | None = None) -> None:
        # `request_seq`: the seq of the request row a lookup answers. A lookup row without one was
        # written before request rows existed (2026-12).
        if kind == Kind.SENT or (kind == Kind.LOOKUP and request_seq is None):
            self.connected += 1
        elif kind == Kind.AUTHORISATION:
            self.manual += 1
        elif kind == Kind.REFUSAL:
            self.refused += 1
        elif kind == Kind.OVERRIDE:
            self.overridden += 1
        if kind in ANSWERED:
            if outcome in FOUND:
                self.found += 1
            elif outcome in FOUND_WITH_NOTE:
                self.found_with_note += 1
            elif outcome in NOT_FOUND:
                self.not_found += 1
            else:
                self.other += 1


@dataclass(frozen=True)
class OperatorRow:
    name: str
    employee_number: str
    position: str
    tally: Tally


@dataclass(frozen=True)
class FieldRow:
    label: str
    sesuai: int
    tidak_sesuai: int


@dataclass(frozen=True)
class QuotaSummary:
    quota: int  # the setting now (0 = unlimited)
    days_used: int  # days with at least one unit spent
    total: int
    highest: int
    highest_day: dt.date | None
    days_exhausted: int


@dataclass(frozen=True)
class Figures:
    semester: Semester
    until: dt.datetime  # the end of the period covered (the semester's end, or now while it runs)
    running: bool
    monthly: list[tuple[dt.date, Tally]]
    total: Tally
    by_outcome: list[tuple[str, str, int]]  # code, label, count
    by_operator: list[OperatorRow]
    kecocokan: list[FieldRow]
    permohonan: list[tuple[str, int]]
    quota: QuotaSummary
    unanswered: int  # requests sent in the period with no answer recorded (past their timeout)
    chain_head: tuple[int, str]  # count and hash of the chain at `until`
    chain: ChainReport  # the whole chain checked when the report was made

    @property
    def operators_with_access(self) -> int:
        """Officers who spent at least one access (refusals alone are not access)."""
        return sum(1 for row in self.by_operator if row.tally.accesses)


def _quota_summary(semester: Semester, until: dt.date) -> QuotaSummary:
    quota, _ = quota_effective()
    days = list(QuotaDay.objects.filter(tanggal__gte=semester.first_day, tanggal__lte=until, terpakai__gt=0))
    top = max(days, key=lambda d: (d.terpakai, d.tanggal), default=None)
    return QuotaSummary(
        quota=quota, days_used=len(days), total=sum(d.terpakai for d in days),
        highest=top.terpakai if top else 0, highest_day=top.tanggal if top else None,
        days_exhausted=sum(1 for d in days if quota and d.terpakai >= quota),
    )


def semester_figures(*, semester: Semester, now: dt.datetime) -> Figures:
    """Count the semester from the audit chain, the service requests and the quota days.

    A semester still running is counted up to `now`; its chain head is the head at `now`.
    """
    running = now < semester.end_at
    until = now if running else semester.end_at
    rows = AuditEntry.objects.filter(waktu__gte=semester.start_at, waktu__lt=until,
                                     jenis__in=ACCESS_KINDS).order_by("seq")
    months = {m: Tally() for m in semester.months()}
    total, by_operator = Tally(), dict[int | None, Tally]()
    outcomes: Counter[str] = Counter()
    fields: dict[str, Counter[bool]] = {key: Counter() for key, _ in FIELDS}
    for when, kind, outcome, operator_id, kecocokan, request_seq in rows.values_list(
            "waktu", "jenis", "outcome", "operator_id", "kecocokan", "rujukan").iterator():
        local = timezone.localtime(when)
        for tally in (months[dt.date(local.year, local.month, 1)], total,
                      by_operator.setdefault(operator_id, Tally())):
            tally.add(kind, outcome, request_seq)
        if kind in ANSWERED:
            outcomes[outcome] += 1
            for key, match in (kecocokan or {}).items():
                if key in fields and match is not None:
                    fields[key][bool(match)] += 1
    users = User.objects.in_bulk([pk for pk in by_operator if pk is not None])
    operator_rows = sorted(
        (OperatorRow(name=_name(users.get(pk)) if pk else "(sistem)",
                     employee_number=users[pk].nomor_pegawai if pk in users else "",
                     position=users[pk].jabatan if pk in users else "", tally=tally)
         for pk, tally in by_operator.items()),
        key=lambda r: (-r.tally.accesses, r.name),
    )
    labels = {o.value: o.label for o in Outcome}
    opened = dict(Permohonan.objects.filter(dibuka_pada__gte=semester.start_at, dibuka_pada__lt=until)
                  .values_list("jenis").annotate(n=Count("pk")).values_list("jenis", "n"))
    return Figures(
        semester=semester, until=until, running=running,
        monthly=[(m, t) for m, t in months.items() if m <= timezone.localdate(until)],
        total=total,
        by_outcome=[(code, labels.get(code, code), n) for code, n in sorted(outcomes.items())],
        by_operator=operator_rows,
        kecocokan=[FieldRow(label, fields[key][True], fields[key][False]) for key, label in FIELDS],
        permohonan=[(service.label, opened.get(service.value, 0)) for service in Jenis],
        quota=_quota_summary(semester, timezone.localdate(until - dt.timedelta(microseconds=1))),
        unanswered=len(audit_unanswered(older_than=dt.timedelta(seconds=settings.DUKCAPIL_TIMEOUT + 60),
                                        start=semester.start_at, end=until, now=now)),
        chain_head=audit_head_at(until),
        chain=audit_chain_check(),
    )


def _name(user: User | None) -> str:
    if user is None:
        return "(akun tidak ditemukan)"
    return user.nama_lengkap or user.get_username()
