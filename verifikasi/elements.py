"""The eight permitted elements (PKS Pasal 2(1)a), how Dukcapil spells them, and the outcome categories.

`Elemen`, `Alamat` and `LookupResult` hold Dukcapil's answer: they live only in
memory while one response is rendered and may never be persisted, cached, logged
or pickled into a task message (they refuse pickling). `FIELDS`, `Stated` (what
the applicant's documents say), the spellings and `parse_date` are shared by the
client, the comparison and the counter's forms.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import NoReturn

from nik_structure import FEMALE, MALE

FIELDS: tuple[tuple[str, str], ...] = (
    ("nik", "NIK"),
    ("nama_lengkap", "Nama Lengkap"),
    ("jenis_kelamin", "Jenis Kelamin"),
    ("tempat_lahir", "Tempat Lahir"),
    ("tanggal_lahir", "Tanggal Lahir"),
    ("status_perkawinan", "Status Perkawinan"),
    ("jenis_pekerjaan", "Jenis Pekerjaan"),
    ("alamat", "Alamat Sekarang"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Stated:
    """The eight elements as the officer typed them from the applicant's documents.

    An empty (or blank) value means "not checked".
    """

    nik: str
    nama_lengkap: str = ""
    jenis_kelamin: str = ""
    tempat_lahir: str = ""
    tanggal_lahir: str | dt.date = ""
    status_perkawinan: str = ""
    jenis_pekerjaan: str = ""
    alamat: str = ""
    prop_name: str = ""
    kab_name: str = ""
    kec_name: str = ""
    kel_name: str = ""
    no_rt: str = ""
    no_rw: str = ""


# Dukcapil's spellings of two elements, each with the label the counter's forms show.
SEX_CHOICES: tuple[tuple[str, str], ...] = ((MALE, "Laki-laki"), (FEMALE, "Perempuan"))
UNMARRIED = "BELUM KAWIN"
MARRIED = "KAWIN"
DIVORCED = "CERAI HIDUP"
WIDOWED = "CERAI MATI"
MARITAL_STATUS_CHOICES: tuple[tuple[str, str], ...] = (
    (UNMARRIED, "Belum kawin"), (MARRIED, "Kawin"), (DIVORCED, "Cerai hidup"), (WIDOWED, "Cerai mati"),
)
# Other spellings of a sex, in upper case, found on documents and in gateway answers.
SEX_SPELLINGS: Mapping[str, str] = MappingProxyType({
    "L": MALE, "LAKI LAKI": MALE, "LAKI-LAKI": MALE, "PRIA": MALE,
    "P": FEMALE, "PEREMPUAN": FEMALE, "WANITA": FEMALE,
})

_MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            "JAN JANUARI JANUARY",
            "FEB PEB FEBRUARI PEBRUARI FEBRUARY",
            "MAR MARET MARCH",
            "APR APRIL",
            "MEI MAY",
            "JUN JUNI JUNE",
            "JUL JULI JULY",
            "AGU AGS AGT AUG AGUSTUS AUGUST",
            "SEP SEPT SEPTEMBER",
            "OKT OCT OKTOBER OCTOBER",
            "NOV NOP NOVEMBER NOPEMBER",
            "DES DEC DESEMBER DECEMBER",
        ),
        start=1,
    )
    for name in names.split()
}
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DMY = re.compile(r"([0-9]{1,2})([-/.])([0-9]{1,2})\2([0-9]{4})")
_D_MON_Y = re.compile(r"([0-9]{1,2})([-/. ])([A-Za-z]+)\2([0-9]{4})")


def parse_date(value: str) -> dt.date | None:
    """A date from `YYYY-MM-DD`, `DD-MM-YYYY`, `DD/MM/YYYY`, `DD.MM.YYYY` or
    `DD-MON-YYYY` (English or Indonesian month, abbreviated or whole, any case;
    `-`, `/`, `.` or a space around it); None for anything else or an
    impossible date.
    """
    text = " ".join(value.split())
    try:
        if match := _ISO.fullmatch(text):
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        if match := _DMY.fullmatch(text):
            return dt.date(int(match[4]), int(match[3]), int(match[1]))
        if (match := _D_MON_Y.fullmatch(text)) and (month := _MONTHS.get(match[3].upper())):
            return dt.date(int(match[4]), month, int(match[1]))
    except ValueError:
        return None
    return None


class Outcome(StrEnum):
    """Outcome categories of a lookup: Dukcapil's codes plus the portal's own."""

    FOUND = "01"
    LOGIN_FAILED = "03"
    IP_REFUSED = "04"
    QUOTA_EXHAUSTED = "05"
    OUTSIDE_HOURS = "06"
    INCOMPLETE_PARAMETERS = "07"
    NIK_UNPROCESSABLE = "08"
    DECEASED = "11"
    DUPLICATE = "12"
    NOT_FOUND = "13"
    INACTIVE = "14"
    BAD_FORMAT = "15"
    INSTITUTION_INACTIVE = "16"
    USER_INACTIVE = "17"
    # The portal's own categories: nothing Dukcapil said.
    GATEWAY_FAULT = "GF"
    REFUSED_LOCALLY = "RL"

    @property
    def label(self) -> str:
        return OUTCOME_TEXT[self]

    @property
    def stops_lookups(self) -> bool:
        """Credentials or the institution refused: stop everyone until cleared."""
        return self in CREDENTIAL_STOPS

    @property
    def stop_explanation(self) -> str:
        """For a credential stop: what was refused (the portal's own access, never the officer's sign-in)
        and whom to call. Empty for every other category."""
        return STOP_EXPLANATION.get(self, "")

    @property
    def is_dukcapil_answer(self) -> bool:
        return self not in (Outcome.GATEWAY_FAULT, Outcome.REFUSED_LOCALLY)


# The guideline's own Indonesian texts (Juknis II.C.2.b; doc table).
OUTCOME_TEXT: dict[Outcome, str] = {
    Outcome.FOUND: "Data Ditemukan",
    Outcome.LOGIN_FAILED: "Gagal Login",
    Outcome.IP_REFUSED: "IP tidak terdaftar / tidak sesuai",
    Outcome.QUOTA_EXHAUSTED: "Kuota akses hari ini telah habis",
    Outcome.OUTSIDE_HOURS: "Di luar waktu akses",
    Outcome.INCOMPLETE_PARAMETERS: "Parameter tidak lengkap",
    Outcome.NIK_UNPROCESSABLE: "NIK tidak dapat diproses",
    Outcome.DECEASED: "Data Ditemukan, Meninggal Dunia",
    Outcome.DUPLICATE: "Data Ditemukan, Data Ganda",
    Outcome.NOT_FOUND: "Data tidak ditemukan, NIK tidak terdapat di database kependudukan",
    Outcome.INACTIVE: "Data Ditemukan, Status Non Aktif silahkan hubungi Dinas Dukcapil",
    Outcome.BAD_FORMAT: "Data tidak ditemukan, NIK tidak sesuai format Dukcapil",
    Outcome.INSTITUTION_INACTIVE: "Instansi tidak aktif",
    Outcome.USER_INACTIVE: "User ID non aktif, silahkan menghubungi Admin",
    Outcome.GATEWAY_FAULT: "Gangguan layanan Dukcapil: tidak ada jawaban yang dapat dibaca",
    Outcome.REFUSED_LOCALLY: "Ditolak sebelum dikirim: format NIK tidak valid",
}

_CALL_ADMIN = ("Semua pemeriksaan NIK dihentikan untuk semua petugas sampai admin portal (menu Pengelolaan) "
               "memperbaikinya bersama Dinas Dukcapil dan mencabut penghentian. Hubungi admin portal; jangan "
               "mencoba lagi dan jangan mengganti kata sandi Anda.")
STOP_EXPLANATION: dict[Outcome, str] = {
    Outcome.LOGIN_FAILED: "Dukcapil menolak User ID dan kata sandi instansi yang dipakai portal untuk masuk ke "
                          "gateway Dukcapil (kode 03 “Gagal Login”). Ini bukan akun Anda: Anda tetap masuk di "
                          "portal dan kata sandi Anda sendiri benar. " + _CALL_ADMIN,
    Outcome.IP_REFUSED: "Dukcapil menolak alamat IP server portal (kode 04/10). Ini bukan kesalahan Anda. "
                        + _CALL_ADMIN,
    Outcome.INSTITUTION_INACTIVE: "Dukcapil menyatakan akses instansi Disnaker tidak aktif (kode 16). Ini bukan "
                                  "akun Anda. " + _CALL_ADMIN,
    Outcome.USER_INACTIVE: "Dukcapil menyatakan User ID instansi yang dipakai portal non aktif (kode 17). Ini "
                           "bukan akun Anda di portal. " + _CALL_ADMIN,
}

CREDENTIAL_STOPS = frozenset(
    {Outcome.LOGIN_FAILED, Outcome.IP_REFUSED, Outcome.INSTITUTION_INACTIVE, Outcome.USER_INACTIVE}
)


@dataclass(frozen=True, slots=True)
class Alamat:
    """Alamat Sekarang: the address parts the PKS permits."""

    def __repr__(self) -> str:
        return "Alamat(<nilai Dukcapil disembunyikan>)"

    def __reduce__(self) -> NoReturn:
        raise TypeError("Elemen Dukcapil tidak boleh diserialisasi")

    alamat: str
    prop_name: str
    kab_name: str
    no_kec: str
    kec_name: str
    kel_name: str
    no_rt: str  # zero-padded to three digits
    no_rw: str  # zero-padded to three digits


@dataclass(frozen=True, slots=True)
class Elemen:
    """The eight permitted elements of one resident. In memory only."""

    nik: str
    nama_lengkap: str
    jenis_kelamin: str  # MALE or FEMALE
    tempat_lahir: str
    tanggal_lahir: dt.date | None  # None when the gateway sent an unreadable date
    status_perkawinan: str
    jenis_pekerjaan: str
    alamat: Alamat

    def __repr__(self) -> str:
        return "Elemen(<nilai Dukcapil disembunyikan>)"

    def __reduce__(self) -> NoReturn:
        # Refuse pickling: a pickle is how values reach a cache, a session or a task.
        raise TypeError("Elemen Dukcapil tidak boleh diserialisasi")


@dataclass(frozen=True, slots=True)
class LookupResult:
    """What one lookup gave: an outcome, the elements when found, and metadata."""

    outcome: Outcome
    elemen: Elemen | None = None
    message: str = ""  # the text shown to the officer
    quota_limiter: int | None = None  # the gateway's remaining quota, when sent
    detail: str = ""  # for faults: what went wrong, without secrets or values
    gateway_code: str = ""  # the known RESPONSE_CODE as sent, "" when the answer carried none

    def __repr__(self) -> str:
        return f"LookupResult(outcome={self.outcome.value}, elemen={'ada' if self.elemen else 'tidak ada'})"

    def __reduce__(self) -> NoReturn:
        raise TypeError("Hasil Dukcapil tidak boleh diserialisasi")
