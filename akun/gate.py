"""The one gate: may this person do a Dukcapil action now? (Juknis VI.D, VI.E; PKS Pasal 4-5)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import connection
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


@dataclass(frozen=True)
class _GateFacts:
    """What the gate reads from the database, read together before every lookup."""

    nda_verified: bool
    head_kepala_dinas_id: int | None  # None: no head recorded
    head_sptjm_verified: bool
    agreement: Perjanjian | None  # the one in force, with only its status and dates loaded
    stop_id: int | None  # the newest stop not yet cleared


def _gate_facts(*, user_id: int) -> _GateFacts:
    """One statement instead of five ORM queries: the same rows `current_head`, `current_agreement`
    and `active_stop` pick, and the NDA and SPTJM checks (this runs before every lookup)."""
    q = connection.ops.quote_name
    verified = "diverifikasi_oleh_id IS NOT NULL AND diverifikasi_pada IS NOT NULL"
    # Table names come from the models; the one value is a parameter.
    sql = (
        f"SELECT EXISTS (SELECT 1 FROM {q(Nda._meta.db_table)} WHERE operator_id = %s AND {verified}), "  # noqa: S608
        f"head.kepala_dinas_id, "
        f"EXISTS (SELECT 1 FROM {q(Sptjm._meta.db_table)} WHERE kepala_dinas_id = head.kepala_dinas_id "
        f"AND {verified}), "
        f"agreement.id, agreement.status, agreement.tanggal_berakhir, agreement.tanggal_permohonan_perpanjangan, "
        f"(SELECT id FROM {q(DukcapilStop._meta.db_table)} WHERE dicabut_pada IS NULL "
        f"ORDER BY dibuat_pada DESC LIMIT 1) "
        f"FROM (SELECT 1 AS one) AS base "
        f"LEFT JOIN (SELECT kepala_dinas_id FROM {q(PenanggungJawabUserId._meta.db_table)} "
        f"ORDER BY mulai DESC, id DESC LIMIT 1) AS head ON 1 = 1 "
        f"LEFT JOIN (SELECT id, status, tanggal_berakhir, tanggal_permohonan_perpanjangan "
        f"FROM {q(Perjanjian._meta.db_table)} "
        f"ORDER BY tanggal_tanda_tangan DESC, id DESC LIMIT 1) AS agreement ON 1 = 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        nda, kepala_dinas_id, sptjm, agreement_id, status, end, requested, stop_id = cursor.fetchone()
    agreement = None
    if agreement_id is not None:
        date = Perjanjian._meta.get_field("tanggal_berakhir").to_python  # SQLite: text
        loaded = {"id": agreement_id, "status": status, "tanggal_berakhir": date(end),
                  "tanggal_permohonan_perpanjangan": date(requested)}
        # As `.only(...)` of these fields would load it (any other field is read on use).
        names = [f.attname for f in Perjanjian._meta.concrete_fields if f.attname in loaded]
        agreement = Perjanjian.from_db(connection.alias, names, [loaded[n] for n in names])
    return _GateFacts(bool(nda), kepala_dinas_id, bool(sptjm), agreement, stop_id)


def dukcapil_gate(*, user: User | AnonymousUser) -> GateDecision:
    """Every reason the user may not act on Dukcapil data now; empty when allowed."""
    reasons: list[str] = []
    if not user.is_authenticated or not user.is_active:
        return GateDecision(("Akun tidak aktif.",))
    if not isinstance(user, User):
        return GateDecision(("Akun tidak dikenal.",))
    if not user.has_perm("akun.akses_dukcapil"):
        reasons.append("Peran Anda tidak memiliki hak akses data Dukcapil.")
    facts = _gate_facts(user_id=user.pk)
    if not facts.nda_verified:
        reasons.append(
            "NDA (Surat Pernyataan Menjaga Kerahasiaan Informasi) Anda belum tercatat atau belum "
            "diverifikasi admin (Juknis VI.E)."
        )
    if facts.head_kepala_dinas_id is None:
        reasons.append("Penanggung jawab User ID (kepala dinas) belum dicatat oleh admin (Juknis II.A.2).")
    elif not facts.head_sptjm_verified:
        kepala_dinas = User.objects.get(pk=facts.head_kepala_dinas_id)
        reasons.append(
            f"SPTJM kepala dinas yang menjabat ({kepala_dinas}) belum tercatat atau belum "
            "diverifikasi (Juknis VI.D)."
        )
    if facts.agreement is None:
        reasons.append("Perjanjian kerja sama dengan Disdukcapil belum dicatat.")
    else:
        reason = facts.agreement.refusal_reason(today=timezone.localdate())
        if reason:
            reasons.append(reason)
    stop = DukcapilStop.objects.filter(pk=facts.stop_id).first() if facts.stop_id is not None else None
    if stop is not None:
        reasons.append(f"Akses Dukcapil dihentikan untuk semua petugas sejak "
                       f"{timezone.localtime(stop.dibuat_pada):%d-%m-%Y %H:%M}: {stop.alasan}. Hubungi admin.")
    return GateDecision(tuple(reasons))
