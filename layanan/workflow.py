"""Lampiran II's service flow as transitions between the states of a service request.

    diajukan --dokumen_lengkap--> pemeriksaan --setujui--> disetujui --terbitkan--> diterbitkan
       |  ^                         |    ^                                             |
       |  |                         |    +--perbaikan_diterima-- dikembalikan          +--serahkan--> selesai
       |  +--------kembalikan-------+----------kembalikan-----------^
       +--tutup (from every open state) --> selesai

Lookups happen only in `pemeriksaan`. Approval follows verifikasi's decision on the latest
answer; sending back and closing say why.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Status


@dataclass(frozen=True)
class Transition:
    name: str
    label: str  # the button the officer presses
    sources: frozenset[Status]
    target: Status
    needs_note: str = ""  # the prompt for the note, when one is required

    def allowed_from(self, status: str) -> bool:
        return status in self.sources


OPEN_STATES = frozenset({Status.DIAJUKAN, Status.PEMERIKSAAN, Status.DIKEMBALIKAN, Status.DISETUJUI})

TRANSITIONS: dict[str, Transition] = {t.name: t for t in (
    Transition("dokumen_lengkap", "Dokumen lengkap: lanjut periksa NIK", frozenset({Status.DIAJUKAN}),
               Status.PEMERIKSAAN),
    Transition("setujui", "Setujui permohonan", frozenset({Status.PEMERIKSAAN}), Status.DISETUJUI),
    Transition("kembalikan", "Kembalikan untuk perbaikan", frozenset({Status.DIAJUKAN, Status.PEMERIKSAAN}),
               Status.DIKEMBALIKAN, needs_note="Dokumen mana yang harus diperbaiki, dan mengapa"),
    Transition("perbaikan_diterima", "Perbaikan diterima: periksa kembali", frozenset({Status.DIKEMBALIKAN}),
               Status.PEMERIKSAAN, needs_note="Apa yang diperbaiki pemohon dan dilengkapi petugas"),
    Transition("terbitkan", "Terbitkan dokumen", frozenset({Status.DISETUJUI}), Status.DITERBITKAN),
    Transition("serahkan", "Dokumen diserahkan kepada pemohon", frozenset({Status.DITERBITKAN}), Status.SELESAI),
    Transition("tutup", "Selesaikan permohonan tanpa penerbitan", OPEN_STATES, Status.SELESAI),
)}


def transitions_from(status: str) -> list[Transition]:
    """The transitions the page offers in `status`, in the flow's order."""
    return [t for t in TRANSITIONS.values() if t.allowed_from(status)]
