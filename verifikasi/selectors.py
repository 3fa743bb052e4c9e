"""Reads of verifikasi's own state for pages: the access mode in force, the PoC warning, the counter page."""

from __future__ import annotations

from akun.gate import current_agreement, dukcapil_gate

from .counter import Asker, LookupPage
from .forms import LookupForm, ManualAuthoriseForm
from .models import Mode, ModeAkses
from .quota import quota_state


def current_mode() -> Mode:
    """The access mode in force; manual until the admin connects the gateway."""
    row = ModeAkses.objects.values_list("mode", flat=True).first()
    return Mode(row) if row else Mode.MANUAL


def poc_warning() -> str:
    """Connected mode before the PoC result letter is on record: only for the PoC Dukcapil schedules."""
    if current_mode() != Mode.TERHUBUNG:
        return ""
    agreement = current_agreement()
    if agreement is not None and agreement.poc_passed:
        return ""
    return ("Mode terhubung aktif, tetapi surat hasil PoC belum dicatat pada perjanjian. Sebelum PoC, "
            "sambungan ke gateway Dukcapil hanya untuk pelaksanaan PoC yang dijadwalkan Dinas Dukcapil "
            "(Juknis II.D); akses sehari-hari melalui mode manual. Kuota tanpa batas baru berlaku setelah surat "
            "hasil PoC dicatat.")


def counter_page(*, asker: Asker) -> LookupPage:
    """The counter page before anything is posted: the first form of the mode in force."""
    mode = current_mode()
    form = LookupForm() if mode == Mode.TERHUBUNG else ManualAuthoriseForm()
    return LookupPage(mode=mode, gate=dukcapil_gate(user=asker.operator), quota=quota_state(), form=form)
