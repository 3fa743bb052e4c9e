"""The one way return data is owed: `balikan_record_create`, called inside the event's own transaction."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError

from nik_structure import NIK_PATTERN
from verifikasi.keyed import nik_hmac

from .models import Balikan, Peristiwa

# The logical return-data fields (guideline III) and the `param` key each is sent under, with its length
# limit. The key names for this institution are not published (docs/dukcapil-web-service.md section 2):
# BALIKAN_PARAM_KEYS in the settings renames them.
FIELDS: Mapping[str, tuple[str, int]] = {
    "keterangan_pencari_kerja": ("KETERANGAN_PENCARI_KERJA", 255),
    "nomor_sertifikat_pelatihan": ("NO_SERTIFIKAT_PELATIHAN", 100),
    "jenis_pelatihan": ("JENIS_PELATIHAN", 150),
    "penempatan_kerja": ("PENEMPATAN_KERJA", 255),
}


def param_build(values: Mapping[str, str]) -> dict[str, str]:
    """`param` from the logical fields, every key renamed by the mapping; ValidationError (Indonesian)
    for an unknown field or a value over its limit: never truncated."""
    renamed: Mapping[str, str] = settings.BALIKAN_PARAM_KEYS
    param: dict[str, str] = {}
    for field, value in values.items():
        if field not in FIELDS:
            raise ValidationError(f"Kolom data balikan tidak dikenal: {field}.")
        key, limit = FIELDS[field]
        if len(value) > limit:
            raise ValidationError(f"Isian {field.replace('_', ' ')} terlalu panjang ({len(value)} karakter; "
                                  f"batasnya {limit}). Persingkat, data balikan tidak dipotong.")
        param[renamed.get(field, key)] = value
    return param


def balikan_record_create(*, peristiwa: Peristiwa, nik: str, values: Mapping[str, str],
                          permohonan_ref: str = "") -> Balikan:
    """Owe Dukcapil one return-data record. Call inside the transaction of the event that gives rise to
    it, so that the two commit or roll back together. ValidationError for a malformed NIK or field."""
    if not NIK_PATTERN.fullmatch(nik):
        raise ValidationError("NIK data balikan harus 16 digit angka.")
    return Balikan.objects.create(peristiwa=peristiwa, nik=nik, nik_hmac=nik_hmac(nik), param=param_build(values),
                                  permohonan_ref=permohonan_ref)
