"""The structure of a NIK, `PP KK CC DDMMYY SSSS`: the one place it is decoded.

Province, regency and district codes; the birth date as day, month and two-digit
year, a woman's day written plus 40 (41-71); a four-digit serial
(docs/dukcapil-web-service.md section 3). Pure Python with no Django, so that
every part of the portal may import it, accounts included (the layers are
akun < verifikasi < layanan < laporan, and this sits below them all). Whether
the codes name real regions needs the region list: that is `verifikasi.nik`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["FEMALE", "FEMALE_DAY_OFFSET", "MALE", "NIK_PATTERN", "NikParts", "nik_compose", "nik_parse"]

# Exactly sixteen ASCII digits, anchored: `fullmatch`, `match` and `search` all mean the same.
NIK_PATTERN = re.compile(r"\A[0-9]{16}\Z")

# The spellings of the sexes, as Dukcapil writes them.
MALE = "LAKI-LAKI"
FEMALE = "PEREMPUAN"
FEMALE_DAY_OFFSET = 40  # a woman's birth day is written plus 40


@dataclass(frozen=True, slots=True)
class NikParts:
    """The parts of a 16-digit NIK, as written; nothing here says they are valid.

    `encoded_day` is the day as written (a woman's plus 40); `day` takes the offset
    off. `month` and `day` may be out of range: `birth_date` is None then.
    """

    nik: str
    province_code: str  # "33"
    regency_code: str  # "3303"
    district_code: str  # "330301"
    encoded_day: int
    month: int
    yy: int  # the last two digits of the birth year
    serial: int  # 0-9999; 0000 is never issued

    @property
    def sex(self) -> str:
        """MALE or FEMALE, from the encoded day (above 40: a woman)."""
        return FEMALE if self.encoded_day > FEMALE_DAY_OFFSET else MALE

    @property
    def day(self) -> int:
        """The birth day without the woman's offset."""
        return self.encoded_day - FEMALE_DAY_OFFSET if self.encoded_day > FEMALE_DAY_OFFSET else self.encoded_day

    def birth_date(self, *, today: dt.date) -> dt.date | None:
        """The birth date: 20YY, else 19YY, the first that is a real date not after `today`;
        None when neither is (an impossible day or month, or 29 February of no leap year)."""
        for century in (2000, 1900):
            try:
                born = dt.date(century + self.yy, self.month, self.day)
            except ValueError:
                continue
            if born <= today:
                return born
        return None


def nik_parse(value: str) -> NikParts | None:
    """The parts of `value` when it is exactly 16 ASCII digits (nothing stripped), else None.

    Never raises.
    """
    if not NIK_PATTERN.fullmatch(value):
        return None
    return NikParts(
        nik=value,
        province_code=value[:2],
        regency_code=value[:4],
        district_code=value[:6],
        encoded_day=int(value[6:8]),
        month=int(value[8:10]),
        yy=int(value[10:12]),
        serial=int(value[12:]),
    )


def nik_compose(*, district_code: str, born: dt.date, sex: str, serial: int) -> str:
    """The NIK of a person from its parts: the inverse of `nik_parse`.

    Raises ValueError for a district code that is not six digits, a sex other than
    MALE or FEMALE, or a serial outside 0-9999.
    """
    if not (len(district_code) == 6 and district_code.isascii() and district_code.isdigit()):
        raise ValueError("Kode kecamatan harus 6 digit angka")
    if sex not in (MALE, FEMALE):
        raise ValueError(f"Jenis kelamin harus {MALE} atau {FEMALE}")
    if not 0 <= serial <= 9999:
        raise ValueError("Nomor urut harus 0000-9999")
    day = born.day + (FEMALE_DAY_OFFSET if sex == FEMALE else 0)
    return f"{district_code}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"
