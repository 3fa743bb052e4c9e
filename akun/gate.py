"""The one gate: may this person do a Dukcapil action now? (Juknis VI.D, VI.E; PKS Pasal 4-5)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from .models import DukcapilStop, Nda, PenanggungJawabUserId, Perjanjian, Sptjm, User


@dataclass(frozen=True)
class GateDecision:
    reasons: tuple[str, ...]

    @property
    def allowed(self) -> bool:
        return not self.reasons


def current_agreement() -> Perjanjian | None:
    return Perjanjian.objects.order_by("-tanggal_tanda_tangan", "-pk").first()


def current_head() -> PenanggungJawabUserId | None:
    return PenanggungJawabUserId.objects.select_related("kepala_dinas").order_by("-mulai", "-pk").first()


def active_stop() -> DukcapilStop | None:
    return DukcapilStop.objects.filter(dicabut_pada__isnull=True).order_by("-dibuat_pada").first()


def dukcapil_gate(*, user: User | AnonymousUser) -> GateDecision:
    """Every reason the user may not act on Dukcapil data now; empty when allowed."""
    reasons: list[str] = []
    if not user.is_authenticated or not user.is_active:
        return GateDecision(("Akun tidak aktif.",))
    if not isinstance(user, User):
        return GateDecision(("Akun tidak dikenal.",))
    if not user.has_perm("akun.akses_dukcapil"):
        reasons.append("Peran Anda tidak memiliki hak akses data Dukcapil.")
    if not Nda.objects.filter(
        operator=user, diverifikasi_oleh__isnull=False, diverifikasi_pada__isnull=False
    ).exists():
        reasons.append(
            "NDA (Surat Pernyataan Menjaga Kerahasiaan Informasi) Anda belum tercatat atau belum "
            "diverifikasi admin (Juknis VI.E)."
        )
    head = current_head()
    if head is None:
        reasons.append("Penanggung jawab User ID (kepala dinas) belum dicatat oleh admin (Juknis II.A.2).")
    elif not Sptjm.objects.filter(
        kepala_dinas=head.kepala_dinas, diverifikasi_oleh__isnull=False, diverifikasi_pada__isnull=False
    ).exists():
        reasons.append(
            f"SPTJM kepala dinas yang menjabat ({head.kepala_dinas}) belum tercatat atau belum "
            "diverifikasi (Juknis VI.D)."
        )
    agreement = current_agreement()
    if agreement is None:
        reasons.append("Perjanjian kerja sama dengan Disdukcapil belum dicatat.")
    else:
        reason = agreement.refusal_reason(today=timezone.localdate())
        if reason:
            reasons.append(reason)
    stop = active_stop()
    if stop is not None:
        reasons.append(f"Akses Dukcapil dihentikan untuk semua petugas sejak "
                       f"{timezone.localtime(stop.dibuat_pada):%d-%m-%Y %H:%M}: {stop.alasan}. Hubungi admin.")
    return GateDecision(tuple(reasons))
