"""Rows for the side-by-side page: built in memory for one response, then gone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

from .compare import FieldMatch, Stated, alamat_coverage
from .elements import Elemen


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    dokumen: str
    dukcapil: str
    match: bool | None
    note: str = ""

    def __repr__(self) -> str:
        return f"Row({self.label!r}, match={self.match})"

    def __reduce__(self) -> NoReturn:
        raise TypeError("Baris perbandingan tidak boleh diserialisasi")


def _alamat_stated(s: Stated) -> str:
    rt_rw = f"RT {s.no_rt} / RW {s.no_rw}" if s.no_rt or s.no_rw else ""
    return ", ".join(p for p in (s.alamat, rt_rw, s.kel_name, s.kec_name, s.kab_name, s.prop_name) if p)


def _alamat_dukcapil(e: Elemen) -> str:
    a = e.alamat
    parts = (a.alamat, f"RT {a.no_rt} / RW {a.no_rw}", a.kel_name, f"Kec. {a.kec_name} ({a.no_kec})",
             a.kab_name, a.prop_name)
    return ", ".join(p for p in parts if p)


def display_rows(*, stated: Stated, elemen: Elemen, matches: tuple[FieldMatch, ...]) -> list[Row]:
    """Each permitted element: the applicant's document, Dukcapil's value, Sesuai or not."""
    dukcapil = {
        "nik": elemen.nik,
        "nama_lengkap": elemen.nama_lengkap,
        "jenis_kelamin": elemen.jenis_kelamin,
        "tempat_lahir": elemen.tempat_lahir,
        "tanggal_lahir": f"{elemen.tanggal_lahir:%d-%m-%Y}" if elemen.tanggal_lahir else "(tidak terbaca)",
        "status_perkawinan": elemen.status_perkawinan,
        "jenis_pekerjaan": elemen.jenis_pekerjaan,
        "alamat": _alamat_dukcapil(elemen),
    }
    dokumen = {m.key: str(getattr(stated, m.key, "")) for m in matches}
    dokumen["alamat"] = _alamat_stated(stated)
    compared, parts = alamat_coverage(stated=stated, alamat=elemen.alamat)
    notes = {"alamat": f"{compared} dari {parts} bagian alamat dibandingkan" if 0 < compared < parts else ""}
    return [Row(m.label, dokumen.get(m.key, ""), dukcapil[m.key], m.match, notes.get(m.key, "")) for m in matches]
