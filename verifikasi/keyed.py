"""Every keyed hash of the portal: HMAC-SHA256 with AUDIT_HMAC_KEY, one named function per use.

What these return is stored (the audit chain, the guard's traces, the return-data
outbox's NIK hash) or handed out and checked later (override tokens, manual
authorisations), and compared with values written long before. So the input of
each, byte for byte, and the key never change: tests/verifikasi/test_keyed.py pins
them. A new use gets its own function with its own prefix, never another's.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from django.conf import settings

from nik_structure import FEMALE, NikParts


def keyed_hash(data: bytes) -> str:
    """HMAC-SHA256 of `data` under AUDIT_HMAC_KEY, as 64 hex digits."""
    return hmac.new(settings.AUDIT_HMAC_KEY.encode(), data, hashlib.sha256).hexdigest()


def nik_hmac(nik: str) -> str:
    """The NIK as a keyed hash: equal NIKs match, the hash does not give the NIK back."""
    return keyed_hash(b"nik:" + nik.encode())


def row_hmac(canonical: bytes) -> str:
    """An audit row's link in the chain, over its canonical bytes (`verifikasi.audit`)."""
    return keyed_hash(canonical)


def enumeration_prefix_hmac(parts: NikParts) -> str:
    """The enumeration guard's key of a NIK's first twelve digits (region and birth date)."""
    return keyed_hash(f"guard:{parts.nik[:12]}".encode())


def enumeration_pattern_hmac(parts: NikParts) -> str:
    """The enumeration guard's key of district, sex and serial, without the birth date:
    equal for a sweep over birth dates."""
    sex = "P" if parts.sex == FEMALE else "L"
    return keyed_hash(f"pola:{parts.district_code}:{sex}:{parts.serial:04d}".encode())


def override_mac(*, operator_id: int, permohonan_ref: str, nik: str, kinds: Iterable[str], issued: int) -> str:
    """Binds a written override to one refusal (officer, service request, NIK, kinds of
    refusal, in any order) issued at `issued` (Unix seconds); 32 hex digits."""
    text = f"lewati:{operator_id}:{permohonan_ref}:{nik}:{','.join(sorted(kinds))}:{issued}"
    return keyed_hash(text.encode())[:32]


def authorisation_mac(*, seq: int, nik_hmac: str, operator_id: int | None, permohonan_ref: str) -> str:
    """Binds a manual-mode result to the authorisation row `seq` it answers (its NIK hash,
    officer and service request); 32 hex digits."""
    return keyed_hash(f"izin:{seq}:{nik_hmac}:{operator_id}:{permohonan_ref}".encode())[:32]
