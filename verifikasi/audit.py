"""The lookup audit chain: keyed NIK hashes and a keyed hash chain over every row.

Each row's hash covers its own fields and the previous row's hash, keyed with
AUDIT_HMAC_KEY (`verifikasi.keyed`), so an edited, deleted or rewritten row breaks the chain. The
head (count and hash) is published outside the database (the semester report,
a daily line to the admin) so that rows cut off the end are found too.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from akun.models import User

from .keyed import nik_hmac, row_hmac
from .models import AuditEntry, AuditHead, Kind, Mode
from .nik import nik_mask

GENESIS = "0" * 64


def _canonical(entry: AuditEntry) -> bytes:
    fields = {
        "seq": entry.seq,
        "waktu": entry.waktu.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "operator": entry.operator_id,
        "operator_username": entry.operator_username,
        "client_ip": entry.client_ip,
        "permohonan_ref": entry.permohonan_ref,
        "jenis": entry.jenis,
        "mode": entry.mode,
        "outcome": entry.outcome,
        "nik_hmac": entry.nik_hmac,
        "nik_masked": entry.nik_masked,
        "kecocokan": entry.kecocokan,
        "alasan": entry.alasan,
        "rujukan": entry.rujukan,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def row_hash(entry: AuditEntry) -> str:
    """The row's link in the chain: a keyed hash of its fields and the previous row's hash."""
    return row_hmac(_canonical(entry))


def audit_head_lock() -> tuple[int, str]:
    """The head's count and hash, its row locked until the transaction ends (call inside one).

    Whoever holds it appends to the chain alone. SQLite: the transaction itself, begun
    IMMEDIATE, already holds the database. One statement once the head row exists.
    """
    head = AuditHead.objects.select_for_update().filter(pk=1).values_list("count", "head_hash").first()
    if head is None:  # the very first append
        row, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        return row.count, row.head_hash
    return int(head[0]), str(head[1])


def audit_append(
    *,
    operator_id: int | None,
    operator_username: str,
    client_ip: str | None,
    permohonan_ref: str,
    kind: Kind,
    mode: Mode,
    outcome: str = "",
    nik: str = "",
    kecocokan: dict[str, bool | None] | None = None,
    alasan: str = "",
    rujukan: int | None = None,
) -> AuditEntry:
    """Append one row to the chain; serialised by a lock on the head row.

    Inside a caller's transaction no savepoint is taken: a failed append fails the caller's
    whole step (a lookup's grant is never committed without its row).
    """
    with transaction.atomic(savepoint=False):
        count, head_hash = audit_head_lock()
        entry = AuditEntry(
            seq=count + 1,
            waktu=timezone.now(),
            operator_id=operator_id,
            operator_username=operator_username,
            # Hash what the database will store (NULL for "", compressed IPv6), or the check breaks.
            client_ip=AuditEntry._meta.get_field("client_ip").get_prep_value(client_ip or None),
            permohonan_ref=permohonan_ref,
            jenis=kind,
            mode=mode,
            outcome=outcome,
            nik_hmac=nik_hmac(nik) if nik else "",
            nik_masked=nik_mask(nik) if nik else "",
            kecocokan=kecocokan or {},
            alasan=alasan,
            rujukan=rujukan,
            prev_hash=head_hash,
        )
        entry.row_hash = row_hash(entry)
        entry.save()
        AuditHead.objects.filter(pk=1).update(count=entry.seq, head_hash=entry.row_hash)
    return entry


@dataclass(frozen=True)
class ChainReport:
    count: int
    head_hash: str
    broken_at: int | None  # seq of the first broken link, None when intact
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None and not self.problem


def audit_chain_check(
    *, entries: Iterable[AuditEntry] | None = None, expect_count: int | None = None,
    expect_hash: str | None = None,
) -> ChainReport:
    """Walk the chain from the start; report the first broken link.

    `expect_count` / `expect_hash` are a head published earlier outside the database:
    a chain shorter than it, or whose row at that count has another hash, was cut or
    rewritten.
    """
    head = AuditHead.objects.filter(pk=1).first() if entries is None else None
    # Read the head first and walk only up to it: rows appended meanwhile are not a break.
    if entries is not None:
        rows: Iterable[AuditEntry] = entries
    else:
        stored = AuditEntry.objects.order_by("seq")
        rows = (stored.filter(seq__lte=head.count) if head else stored).iterator()
    prev, expected_seq, count, seen_hash_at_expect = GENESIS, 1, 0, None
    for entry in rows:
        if entry.seq != expected_seq:
            return ChainReport(count, prev, expected_seq, f"baris #{expected_seq} hilang")
        if entry.prev_hash != prev or row_hash(entry) != entry.row_hash:
            return ChainReport(count, prev, entry.seq, f"baris #{entry.seq} diubah atau rantainya putus")
        prev, count, expected_seq = entry.row_hash, entry.seq, entry.seq + 1
        if expect_count is not None and entry.seq == expect_count:
            seen_hash_at_expect = entry.row_hash
    if expect_count is not None:
        if count < expect_count:
            return ChainReport(count, prev, count + 1,
                               f"rantai hanya {count} baris, padahal kepala yang diterbitkan {expect_count}")
        if expect_hash is not None and seen_hash_at_expect != expect_hash:
            return ChainReport(count, prev, expect_count,
                               f"hash baris #{expect_count} tidak sama dengan kepala yang diterbitkan")
    if entries is None and head is None and count:
        return ChainReport(count, prev, None, "kepala rantai hilang dari basis data")
    if head is not None and (head.count != count or head.head_hash != prev):
        return ChainReport(count, prev, count + 1 if head.count > count else None,
                           f"kepala rantai tercatat {head.count} baris, rantai berisi {count}")
    return ChainReport(count, prev, None)


def audit_unanswered(*, older_than: dt.timedelta, start: dt.datetime | None = None,
                     end: dt.datetime | None = None, now: dt.datetime | None = None) -> list[int]:
    """Seqs of requests recorded as sent (KIRIM) with no answer row, sent before `now` (default: now)
    less `older_than`, and within [start, end) when given.

    A request still waiting for Dukcapil is not one: only a process that died (or an audit
    write that failed) between sending and recording leaves such a row.
    """
    answered = AuditEntry.objects.filter(jenis=Kind.LOOKUP, rujukan__isnull=False).values("rujukan")
    sent = AuditEntry.objects.filter(jenis=Kind.SENT, waktu__lt=(now or timezone.now()) - older_than)
    if start is not None:
        sent = sent.filter(waktu__gte=start)
    if end is not None:
        sent = sent.filter(waktu__lt=end)
    return list(sent.exclude(seq__in=answered).order_by("seq").values_list("seq", flat=True))


def audit_head_at(moment: dt.datetime) -> tuple[int, str]:
    """The head as it stood at `moment`: the count and hash of the last row written before it.

    Rows are appended in time order under the head lock, so this is the head a report
    made at that moment would have published.
    """
    last = AuditEntry.objects.filter(waktu__lt=moment).order_by("-seq").values_list("seq", "row_hash").first()
    return (int(last[0]), str(last[1])) if last else (0, GENESIS)


def audit_head_line() -> str:
    """The line published daily and in the semester report."""
    head = AuditHead.objects.filter(pk=1).first()
    count, digest = (head.count, head.head_hash) if head else (0, GENESIS)
    return f"Kepala jejak audit {timezone.localtime():%d-%m-%Y %H:%M}: {count} baris, hash {digest}"


def audit_report_published(*, user: User, client_ip: str | None, periode: str, head: tuple[int, str],
                           mode: Mode) -> AuditEntry:
    """Record that a report printing the chain head `head` was made (laporan's one write)."""
    count, digest = head
    return audit_append(operator_id=user.pk, operator_username=user.get_username(), client_ip=client_ip,
                        permohonan_ref="", kind=Kind.REPORT, mode=mode,
                        alasan=f"{periode}; kepala jejak dicetak: {count} baris, hash {digest}")
