from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from akun.models import User
from verifikasi.audit import audit_append
from verifikasi.models import AuditEntry, Kind, Mode


@pytest.fixture
def append_at(monkeypatch: pytest.MonkeyPatch, petugas: User) -> Callable[..., AuditEntry]:
    """Append an audit row as if written at `when` (rows must be appended in time order)."""

    def append(when: dt.datetime, kind: Kind, *, outcome: str = "", operator: User | None = None,
               kecocokan: dict[str, bool | None] | None = None, nik: str = "3303011501900002") -> AuditEntry:
        who = operator or petugas
        monkeypatch.setattr(timezone, "now", lambda: when)
        try:
            sent = None
            if kind == Kind.LOOKUP:  # as the lookup does: the request's row first, then its answer
                sent = audit_append(operator_id=who.pk, operator_username=who.get_username(), client_ip="127.0.0.1",
                                    permohonan_ref="AK1-UJI", kind=Kind.SENT, mode=Mode.TERHUBUNG, nik=nik)
            return audit_append(operator_id=who.pk, operator_username=who.get_username(), client_ip="127.0.0.1",
                                permohonan_ref="AK1-UJI", kind=kind, mode=Mode.TERHUBUNG, outcome=outcome,
                                nik=nik, kecocokan=kecocokan, rujukan=sent.seq if sent else None)
        finally:
            monkeypatch.undo()

    return append
