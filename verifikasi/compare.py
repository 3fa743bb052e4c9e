"""Side by side: what the applicant's documents say against Dukcapil's elements.

`compare` returns keys, labels and booleans only, never a Dukcapil value: the
result is the one part of a lookup the portal may persist. Matching forgives
what a person would (case, repeated spaces, punctuation, zero padding, date
spellings) and nothing more: no fuzzy matching, no letter is ever dropped.
"""

from __future__ import annotations

import datetime as dt
import re
import string
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from verifikasi.elements import FIELDS, SEX_SPELLINGS, Alamat, Elemen, Stated, parse_date

ALAMAT_LABEL = dict(FIELDS)["alamat"]


@dataclass(frozen=True, slots=True)
class FieldMatch:
    """One row of the comparison: True matches, False differs, None not checked.

    `compared` of `parts`: for the address, how many of its parts were compared (filled in on
    both sides), so that a match on one part is not read as the whole address matching.
    `differing`: the keys (ALAMAT_PARTS) of the address parts that differ; keys only, never a value.
    """

    key: str
    label: str
    match: bool | None
    compared: int = 0
    parts: int = 0
    differing: tuple[str, ...] = ()


# Only ASCII is case-folded: str.upper() would make distinct letters equal
# (dotless and dotted i, "sharp s" and "SS").
_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase, "'`\u2019")
_SEPARATORS = re.compile(r"[\s.,/-]+")
# A leading administrative word the KTP prints and Dukcapil's names omit.
# "KOTA" stays: Kota Tegal and (Kabupaten) Tegal are different regions.
_REGION_WORDS = {
    "prop_name": frozenset({"PROVINSI", "PROV"}),
    "kab_name": frozenset({"KABUPATEN", "KAB"}),
    "kec_name": frozenset({"KECAMATAN", "KEC"}),
    "kel_name": frozenset({"KELURAHAN", "KEL", "DESA", "DS"}),
}


def normalise(value: str) -> str:
    """Upper case (ASCII), apostrophes removed, `. , - /` and whitespace runs as one space."""
    text = unicodedata.normalize("NFC", value).translate(_UPPER)
    return " ".join(_SEPARATORS.split(text)).strip()


def _same_text(stated: str, dukcapil: str) -> bool:
    return normalise(stated) == normalise(dukcapil)


def _same_nik(stated: str, dukcapil: str) -> bool:
    return normalise(stated).replace(" ", "") == normalise(dukcapil).replace(" ", "")


def same_sex(stated: str, dukcapil: str) -> bool:
    """Whether two spellings of a sex agree (L / LAKI-LAKI / PRIA, P / PEREMPUAN / WANITA)."""
    ours, theirs = normalise(stated), normalise(dukcapil)
    return SEX_SPELLINGS.get(ours, ours) == SEX_SPELLINGS.get(theirs, theirs)


def _same_number(stated: str, dukcapil: str) -> bool:
    ours, theirs = stated.strip(), dukcapil.strip()
    if ours.isascii() and ours.isdigit() and theirs.isascii() and theirs.isdigit():
        return int(ours) == int(theirs)
    return _same_text(ours, theirs)


def _same_date(stated: str | dt.date, dukcapil: dt.date | None) -> bool:
    if isinstance(stated, dt.datetime):
        stated = stated.date()
    ours = stated if isinstance(stated, dt.date) else parse_date(stated)
    return ours is not None and ours == dukcapil


def _region_comparer(part: str) -> Callable[[str, str], bool]:
    words = _REGION_WORDS[part]

    def bare(value: str) -> str:
        text = normalise(value)
        first, _, rest = text.partition(" ")
        return rest if first in words and rest else text

    return lambda stated, dukcapil: bare(stated) == bare(dukcapil)


# The address's parts as the counter form names them, in the order a KTP prints them.
ALAMAT_PARTS: dict[str, str] = {
    "alamat": "jalan/dusun", "no_rt": "RT", "no_rw": "RW", "kel_name": "desa/kelurahan", "kec_name": "kecamatan",
    "kab_name": "kabupaten/kota", "prop_name": "provinsi",
}


def _alamat_results(stated: Stated, alamat: Alamat) -> tuple[list[tuple[str, bool]], int]:
    """The comparison of each part filled in on both sides (by its key), and how many parts an address has."""
    pairs: list[tuple[str, str, str, Callable[[str, str], bool]]] = [
        ("alamat", stated.alamat, alamat.alamat, _same_text),
        *((p, getattr(stated, p), getattr(alamat, p), _region_comparer(p)) for p in _REGION_WORDS),
        ("no_rt", stated.no_rt, alamat.no_rt, _same_number),
        ("no_rw", stated.no_rw, alamat.no_rw, _same_number),
    ]
    return [(key, same(ours, theirs)) for key, ours, theirs, same in pairs
            if not _blank(ours) and not _blank(theirs)], len(pairs)


def _alamat_match(stated: Stated, alamat: Alamat) -> FieldMatch:
    """Compared on the parts filled in on both sides; None when there are none."""
    results, parts = _alamat_results(stated, alamat)
    differing = tuple(key for key in ALAMAT_PARTS if (key, False) in results)
    return FieldMatch("alamat", ALAMAT_LABEL, all(ok for _, ok in results) if results else None, len(results), parts,
                      differing)


def _blank(value: str | dt.date) -> bool:
    # Nothing but spaces and punctuation ("-", ".") counts as left empty.
    return isinstance(value, str) and not normalise(value)


def _checked(stated: str | dt.date, result: Callable[[], bool]) -> bool | None:
    return None if _blank(stated) else result()


def compare(*, stated: Stated, elemen: Elemen) -> tuple[FieldMatch, ...]:
    """One `FieldMatch` per entry of `FIELDS`, in that order.

    A field the officer left blank is None (not checked). The result holds no
    Dukcapil value; show those from `elemen` itself.
    """
    s, e = stated, elemen
    results: dict[str, bool | None] = {
        "nik": _checked(s.nik, lambda: _same_nik(s.nik, e.nik)),
        "nama_lengkap": _checked(s.nama_lengkap, lambda: _same_text(s.nama_lengkap, e.nama_lengkap)),
        "jenis_kelamin": _checked(s.jenis_kelamin, lambda: same_sex(s.jenis_kelamin, e.jenis_kelamin)),
        "tempat_lahir": _checked(s.tempat_lahir, lambda: _same_text(s.tempat_lahir, e.tempat_lahir)),
        "tanggal_lahir": _checked(s.tanggal_lahir, lambda: _same_date(s.tanggal_lahir, e.tanggal_lahir)),
        "status_perkawinan": _checked(
            s.status_perkawinan, lambda: _same_text(s.status_perkawinan, e.status_perkawinan)
        ),
        "jenis_pekerjaan": _checked(s.jenis_pekerjaan, lambda: _same_text(s.jenis_pekerjaan, e.jenis_pekerjaan)),
    }
    return tuple(FieldMatch(key, label, results[key]) if key != "alamat" else _alamat_match(s, e.alamat)
                 for key, label in FIELDS)
