"""Rows for the side-by-side page: built in memory for one response, then gone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

from .compare import ALAMAT_PARTS, FieldMatch, same_sex
from .elements import Elemen, Stated
from .nik import NikCheck


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


def _hint_notes(check: NikCheck | None, elemen: Elemen) -> dict[str, str]:
    """Where what the NIK's structure encodes differs from the record: said beside that row,
    as a hint for the officer (a registered birth date can legitimately differ)."""
    notes: dict[str, str] = {}
    if check is None:
        return notes
    if check.sex_hint and elemen.jenis_kelamin and not same_sex(check.sex_hint, elemen.jenis_kelamin):
        notes["jenis_kelamin"] = f"Struktur NIK menunjukkan {check.sex_hint}"
    hint, recorded = check.birth_date_hint, elemen.tanggal_lahir
    if hint and recorded and hint != recorded:
        notes["tanggal_lahir"] = f"Struktur NIK menunjukkan {hint:%d-%m-%Y}; tanggal tercatat dapat berbeda secara sah"
    return notes


def display_rows(*, stated: Stated, elemen: Elemen, matches: tuple[FieldMatch, ...],
                 check: NikCheck | None = None) -> list[Row]:
    """Each permitted element: the applicant's document, Dukcapil's value, Sesuai or not, and a note
    where the address was compared in part or the NIK's structure says otherwise (`check`)."""
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
    notes = _hint_notes(check, elemen)
    for m in matches:
        said = []
        if m.differing:
            said.append(f"Berbeda: {', '.join(ALAMAT_PARTS[k] for k in m.differing)}")
        if 0 < m.compared < m.parts:
            said.append(f"{m.compared} dari {m.parts} bagian alamat dibandingkan")
        if said:
            notes[m.key] = "; ".join(said)
    return [Row(m.label, dokumen.get(m.key, ""), dukcapil[m.key], m.match, notes.get(m.key, "")) for m in matches]
