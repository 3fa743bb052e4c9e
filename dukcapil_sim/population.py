"""The simulator's synthetic population: FAKE people, fixed and deterministic.

Every NIK is structurally valid (`PP KK CC DDMMYY SSSS`, women's day +40,
Kemendagri codes) so the local NIK check lets it through to the simulator.
Every name, place, address, family card number and parent's data is a
distinctive string no officer would ever type (it contains "QX" or "ZQ", or
the digits "9988" / "9977"), so a leak scan can search logs, the database and
files for `distinctive_values()`.

Each found person is served in one value style (JSON numbers or strings for
NIK and the NO_* keys) and one TGL_LHR format, so the population as a whole
covers every variant of docs/dukcapil-web-service.md section 1.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from typing import Literal

ValueStyle = Literal["number", "string"]
DateStyle = Literal["iso", "dmy_dash", "dmy_dot", "mon_en", "mon_id", "unreadable"]

_MON_EN = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_MON_ID = ("JAN", "FEB", "MAR", "APR", "MEI", "JUN", "JUL", "AGU", "SEP", "OKT", "NOV", "DES")


@dataclass(frozen=True)
class Person:
    """One fake resident: canonical values plus how the gateway serves them.

    `outcome` is the Dukcapil code the simulator answers for this NIK ("01"
    found, "11" deceased, "12" duplicate, "14" inactive, "15" bad format, "08"
    unprocessable). `rt`/`rw` are canonical integers; `no_kec` two digits.
    """

    nik: str
    outcome: str
    nama: str
    jenis_kelamin: str
    tempat_lahir: str
    tanggal_lahir: dt.date
    status_kawin: str
    pekerjaan: str
    alamat: str
    rt: int
    rw: int
    no_kel: str
    kel_name: str
    kec_name: str
    kab_name: str
    prop_name: str
    no_kk: str
    nama_ibu: str
    nik_ibu: str
    nama_ayah: str
    nik_ayah: str
    dusun: str
    value_style: ValueStyle = "string"
    date_style: DateStyle = "iso"

    @property
    def no_prop(self) -> str:
        return self.nik[:2]

    @property
    def no_kab(self) -> str:
        return self.nik[2:4]

    @property
    def no_kec(self) -> str:
        return self.nik[4:6]

    def tgl_lhr_text(self) -> str:
        """TGL_LHR as this person's gateway spells it."""
        d = self.tanggal_lahir
        return {
            "iso": d.isoformat(),
            "dmy_dash": f"{d.day:02d}-{d.month:02d}-{d.year}",
            "dmy_dot": f"{d.day:02d}.{d.month:02d}.{d.year}",
            "mon_en": f"{d.day:02d}-{_MON_EN[d.month - 1]}-{d.year}",
            "mon_id": f"{d.day:02d}-{_MON_ID[d.month - 1]}-{d.year}",
            "unreadable": "00-00-0000",
        }[self.date_style]

    def record(self) -> dict[str, object]:
        """The full 33-key record, in this person's value style.

        Holds the eight permitted elements and the keys a client must drop
        (NO_KK, NAMA_LGKP_IBU, NIK_AYAH, AGAMA, GOL_DARAH, ...).
        """

        def num(value: str) -> object:
            return int(value) if self.value_style == "number" else value

        # Strings style sends RT/RW unpadded or two-digit, as some gateways do.
        rt: object = self.rt if self.value_style == "number" else f"{self.rt:02d}"
        rw: object = self.rw if self.value_style == "number" else str(self.rw)
        return {
            "NIK": num(self.nik),
            "NO_KK": num(self.no_kk),
            "NAMA_LGKP": self.nama,
            "JENIS_KLMIN": self.jenis_kelamin,
            "TMPT_LHR": self.tempat_lahir,
            "TGL_LHR": self.tgl_lhr_text(),
            "AGAMA": "ISLAM",
            "STATUS_KAWIN": self.status_kawin,
            "JENIS_PKRJN": self.pekerjaan,
            "ALAMAT": self.alamat,
            "NO_RT": rt,
            "NO_RW": rw,
            "NO_KEL": num(self.no_kel),
            "NO_KEC": num(self.no_kec),
            "NO_KAB": num(self.no_kab),
            "NO_PROP": num(self.no_prop),
            "KEL_NAME": self.kel_name,
            "KEC_NAME": self.kec_name,
            "KAB_NAME": self.kab_name,
            "PROP_NAME": self.prop_name,
            "NAMA_LGKP_IBU": self.nama_ibu,
            "NIK_IBU": num(self.nik_ibu),
            "NAMA_LGKP_AYAH": self.nama_ayah,
            "NIK_AYAH": num(self.nik_ayah),
            "GOL_DARAH": "O",
            "PDDK_AKH": "SLTA/SEDERAJAT",
            "STAT_HBKEL": "ANAK",
            "EKTP_STATUS": "ELEKTRONIK",
            "EKTP_CREATED": "2012-09-14",
            "NO_AKTA_LHR": f"AL.QX{self.nik[-4:]}.ZQ",
            "KODE_POS": num("53371"),
            "DUSUN": self.dusun,
            "PNYDNG_CACAT": "TIDAK ADA",
        }


_JATENG = "JAWA TENGAH"
_PBG = "PURBALINGGA"


def _p(
    nik: str,
    outcome: str,
    nama: str,
    sex: str,
    born: dt.date,
    *,
    value_style: ValueStyle = "string",
    date_style: DateStyle = "iso",
    status_kawin: str = "KAWIN",
    pekerjaan: str = "WIRASWASTA",
    rt: int = 3,
    rw: int = 5,
    no_kel: str = "2001",
    kab_name: str = _PBG,
    prop_name: str = _JATENG,
) -> Person:
    """A person whose private values are derived from the NIK's last two digits."""
    n = nik[-2:]
    return Person(
        nik=nik,
        outcome=outcome,
        nama=nama,
        jenis_kelamin=sex,
        tempat_lahir=f"ZQDESA QX{n}",
        tanggal_lahir=born,
        status_kawin=status_kawin,
        pekerjaan=pekerjaan,
        alamat=f"JL. QXMELATI ZQ{n} NO. {int(n)}",
        rt=rt,
        rw=rw,
        no_kel=no_kel,
        kel_name=f"QXKELURAHAN ZQ{n}",
        kec_name=f"ZQKECAMATAN QX{n}",
        kab_name=kab_name,
        prop_name=prop_name,
        no_kk=f"{nik[:6]}99887700{n}",
        nama_ibu=f"SUMIQXNAH ZQIBU{n}",
        nik_ibu=f"{nik[:6]}99776600{n}",
        nama_ayah=f"KARTOQX ZQAYAH{n}",
        nik_ayah=f"{nik[:6]}99775500{n}",
        dusun=f"DUSUN ZQWETAN QX{n}",
        value_style=value_style,
        date_style=date_style,
    )


_L, _P = "LAKI-LAKI", "PEREMPUAN"

POPULATION: tuple[Person, ...] = (
    # Found: one per value style x TGL_LHR format, from Purbalingga and elsewhere.
    _p("3303011505850001", "01", "WIRAQXSENA BUDIZQ", _L, dt.date(1985, 5, 15),
       value_style="number", date_style="iso", pekerjaan="PETANI/PEKEBUN"),
    _p("3303055708920003", "01", "SRIQX LESTARIZQ", _P, dt.date(1992, 8, 17),
       value_style="string", date_style="dmy_dash", status_kawin="BELUM KAWIN",
       pekerjaan="KARYAWAN SWASTA", rt=1, rw=2),
    _p("3303110203000002", "01", "JOKOQX PRAZQTAMA", _L, dt.date(2000, 3, 2),
       value_style="number", date_style="dmy_dot", status_kawin="BELUM KAWIN",
       pekerjaan="BELUM/TIDAK BEKERJA", rt=12, rw=4, no_kel="1003"),
    # Registered in Banyumas (3302), living in Purbalingga now.
    _p("3302016112880004", "01", "DEWIQX ANGGRAZQINI", _P, dt.date(1988, 12, 21),
       value_style="string", date_style="mon_en", status_kawin="CERAI HIDUP", rt=7, rw=11),
    _p("3173010905950005", "01", "RUDIQX HARTAZQ", _L, dt.date(1995, 5, 9),
       value_style="number", date_style="mon_id", kab_name="JAKARTA BARAT",
       prop_name="DKI JAKARTA", pekerjaan="KARYAWAN SWASTA", rt=8, rw=1),
    # Kota Jayapura: the NIK as a JSON number is above 2^53.
    _p("9171015505900006", "01", "MARTHAQX WOMZQ", _P, dt.date(1990, 5, 15),
       value_style="number", date_style="iso", kab_name="KOTA JAYAPURA", prop_name="PAPUA",
       pekerjaan="GURU"),
    _p("3303084104930007", "01", "ANIQX RAHMAZQ", _P, dt.date(1993, 4, 1),
       value_style="string", date_style="unreadable", status_kawin="CERAI MATI"),
    # Records exist, but the gateway answers with a message only.
    _p("3303031212450008", "11", "SASTROQX DIHARZQ", _L, dt.date(1945, 12, 12)),
    _p("3303044506700009", "12", "PARTINIQX ZQ", _P, dt.date(1970, 6, 5)),
    _p("3303060101800010", "14", "BAMBANGQX SUZQ", _L, dt.date(1980, 1, 1)),
    _p("3303076506990011", "15", "NINGQX TYASZQ", _P, dt.date(1999, 6, 25)),
    _p("3303090710870012", "08", "HERUQX SANTOZQ", _L, dt.date(1987, 10, 7)),
)

_BY_NIK: dict[str, Person] = {p.nik: p for p in POPULATION}

NIK_FOUND: list[str] = [p.nik for p in POPULATION if p.outcome == "01"]
NIK_DECEASED = "3303031212450008"
NIK_DUPLICATE = "3303044506700009"
NIK_INACTIVE = "3303060101800010"
NIK_BAD_FORMAT = "3303076506990011"
NIK_UNPROCESSABLE = "3303090710870012"
# Structurally valid, in Purbalingga, and nobody's.
NIK_NOT_FOUND = "3303012808910099"
NIK_ABOVE_2_53 = "9171015505900006"
NIK_UNREADABLE_DATE = "3303084104930007"

SAMPLE_NIKS: dict[str, list[str]] = {
    "01 ditemukan": NIK_FOUND,
    "11 meninggal dunia": [NIK_DECEASED],
    "12 data ganda": [NIK_DUPLICATE],
    "13 tidak ditemukan": [NIK_NOT_FOUND],
    "14 status non aktif": [NIK_INACTIVE],
    "15 tidak sesuai format": [NIK_BAD_FORMAT],
    "08 tidak dapat diproses": [NIK_UNPROCESSABLE],
}


def person(nik: str) -> Person | None:
    """The fake person with this NIK, or None (the gateway answers 13)."""
    return _BY_NIK.get(nik)


def person_record(nik: str) -> dict[str, object]:
    """A copy of the full record of a population NIK, as the gateway serves it.

    Raises KeyError for a NIK outside the population.
    """
    return copy.deepcopy(_BY_NIK[nik].record())


PERSON_FIELDS = person_record


def distinctive_values() -> list[str]:
    """Every distinctive value of the population, for leak scans.

    Names (own, mother's, father's), places of birth, addresses, hamlets,
    village and district names, family card and parents' NIK numbers, birth
    certificate numbers. Not the NIK itself (the portal shows and masks it)
    and not shared words (PURBALINGGA, ISLAM, KAWIN).
    """
    values: list[str] = []
    for p in POPULATION:
        values += [p.nama, p.tempat_lahir, p.alamat, p.kel_name, p.kec_name, p.dusun,
                   p.no_kk, p.nama_ibu, p.nik_ibu, p.nama_ayah, p.nik_ayah,
                   str(p.record()["NO_AKTA_LHR"])]
    return sorted(set(values))
