"""The eight permitted elements (PKS Pasal 2(1)a) and the outcome categories.

These objects live only in memory while one response is rendered; nothing in
this module may be persisted, cached, logged or pickled into a task message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import NoReturn


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
    jenis_kelamin: str  # "LAKI-LAKI" or "PEREMPUAN"
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
