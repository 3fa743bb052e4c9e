"""Every keyed hash the portal stores or checks, pinned for fixed inputs and a fixed key.

The audit chain, the reconciliation with return data and the guard's traces compare
these hashes with ones written long ago: a change of input, key or format breaks them
all. The expected values were computed with the code as it stood before the keyed
hashes were gathered into one module; they must never change.
"""

from __future__ import annotations

import datetime as dt

import pytest

from nik_structure import NikParts, nik_parse
from tests.asking import asker_for
from verifikasi import audit, enumeration, keyed
from verifikasi.models import AuditEntry, GuardTrace, Kind, Mode, ModeAkses
from verifikasi.services import lookup_authorise_manual

KEY = "pin-only-audit-key"
WOMAN = "3303014505850002"  # day 45: a woman born 5 May 1985
MAN = "3303010505850002"
NOW = dt.datetime(2025, 9, 16, 8, 30, 15, tzinfo=dt.UTC)

NIK_HMAC = "da203a4b0f7701efe64c8f26a61c76435b8d71a5bc670102c7290e6d5696fcbb"
ROW_HASH = "a28f302cc441fbf637308ed35dc2fa1e4c46939d80264340a03c472e3570ac2a"
PREFIX_HMAC = "c1bcccf903b1d1f4d757320d66ee991f65561e7dcbd973fe745d8ad32e83ff48"
PREFIX_HMAC_MAN = "4db48fa1abe63161ae088999105361ab89eb912ba5f70ebbf44bde402dc64b9d"
PATTERN_HMAC_WOMAN = "8020dfebf9c3cd1d6e696966814fbe3e3b585091913863bc7252e08c80ed9f1b"
PATTERN_HMAC_MAN = "4b90e3a69d1bc083f496ac79a5924683c6e52420f68bbc28adfe3d808f8fb028"
BIRTH_INDEX = 31748  # 5 May 1985 on the guard's 31-day-month scale, for either sex
OVERRIDE_MAC = "ea57f4f80a29d8651dfcbfe18b625784"
AUTHORISATION = "7.f385928948ef6f51fa2bfedf1c7aa509"


@pytest.fixture(autouse=True)
def _fixed_key(settings) -> None:
    settings.AUDIT_HMAC_KEY = KEY


def _entry() -> AuditEntry:
    return AuditEntry(
        seq=7, waktu=dt.datetime(2025, 9, 16, 8, 30, 15, 123456, tzinfo=dt.UTC), operator_id=42,
        operator_username="petugas", client_ip="127.0.0.1", permohonan_ref="P-20250916-0001", jenis=Kind.LOOKUP,
        mode=Mode.TERHUBUNG, outcome="01", nik_hmac=NIK_HMAC, nik_masked="3303********0002",
        kecocokan={"nama_lengkap": True, "alamat": None, "tanggal_lahir": False},
        alasan="kode gateway 10 — ünïcode", rujukan=6, prev_hash="ab" * 32,
    )


def _parts(nik: str) -> NikParts:
    parts = nik_parse(nik)
    assert parts is not None
    return parts


def _scope() -> enumeration.OverrideScope:
    decision = enumeration.EnumerationDecision(("a", "b"), ("sweep", "near"))
    return enumeration.OverrideScope(42, "P-20250916-0001", WOMAN, decision)


def test_it_keeps_the_nik_hmac() -> None:
    assert keyed.nik_hmac(WOMAN) == audit.nik_hmac(WOMAN) == NIK_HMAC


def test_it_keeps_the_row_hash() -> None:
    assert audit.row_hash(_entry()) == ROW_HASH


def test_it_keeps_the_guard_prefix_hmac() -> None:
    assert (keyed.enumeration_prefix_hmac(_parts(WOMAN)), keyed.enumeration_prefix_hmac(_parts(MAN))) == (
        PREFIX_HMAC, PREFIX_HMAC_MAN)


def test_it_keeps_the_guard_pattern_hmac_of_each_sex() -> None:
    assert (keyed.enumeration_pattern_hmac(_parts(WOMAN)), keyed.enumeration_pattern_hmac(_parts(MAN))) == (
        PATTERN_HMAC_WOMAN, PATTERN_HMAC_MAN)


def test_it_keeps_the_override_token() -> None:
    assert _scope().mac(1758011415) == OVERRIDE_MAC
    assert keyed.override_mac(operator_id=42, permohonan_ref="P-20250916-0001", nik=WOMAN, kinds=("near", "sweep"),
                              issued=1758011415) == OVERRIDE_MAC
    assert enumeration.enumeration_override_token(scope=_scope(), now=NOW) == f"1758011415.{OVERRIDE_MAC}"


def test_it_keeps_the_manual_authorisation() -> None:
    entry = _entry()
    mac = keyed.authorisation_mac(seq=entry.seq, nik_hmac=entry.nik_hmac, operator_id=entry.operator_id,
                                  permohonan_ref=entry.permohonan_ref)
    assert f"{entry.seq}.{mac}" == AUTHORISATION


def test_the_manual_lookup_hands_out_the_keyed_authorisation(ready_petugas) -> None:
    ModeAkses.objects.update_or_create(pk=1, defaults={"mode": Mode.MANUAL})
    granted = lookup_authorise_manual(asker=asker_for(ready_petugas, "P-1"), nik=WOMAN)
    entry = granted.audit
    assert entry is not None and entry.jenis == Kind.AUTHORISATION
    mac = keyed.authorisation_mac(seq=entry.seq, nik_hmac=keyed.nik_hmac(WOMAN), operator_id=ready_petugas.pk,
                                  permohonan_ref="P-1")
    assert granted.authorisation == f"{entry.seq}.{mac}"


@pytest.mark.django_db
def test_it_keeps_what_the_guard_stores(petugas) -> None:
    enumeration.enumeration_record(operator_id=petugas.pk, nik=WOMAN, now=NOW)
    enumeration.enumeration_record(operator_id=petugas.pk, nik=MAN, now=NOW)
    stored = GuardTrace.objects.order_by("pk").values("operator_id", "waktu", "prefix_hmac", "serial", "pola_hmac",
                                                      "lahir")
    assert list(stored) == [
        {"operator_id": petugas.pk, "waktu": NOW, "prefix_hmac": PREFIX_HMAC, "serial": 2,
         "pola_hmac": PATTERN_HMAC_WOMAN, "lahir": BIRTH_INDEX},
        {"operator_id": petugas.pk, "waktu": NOW, "prefix_hmac": PREFIX_HMAC_MAN, "serial": 2,
         "pola_hmac": PATTERN_HMAC_MAN, "lahir": BIRTH_INDEX},
    ]


def test_it_keeps_the_hashed_kinds_and_modes() -> None:
    assert [k.value for k in Kind] == ["kirim", "lookup", "izin", "manual", "refusal", "override", "admin", "laporan"]
    assert [m.value for m in Mode] == ["manual", "terhubung"]
