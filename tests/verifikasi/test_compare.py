"""Stated data against Dukcapil's elements (verifikasi/compare.py): no Django."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import string
from typing import Any, cast

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from verifikasi.compare import ALAMAT_PARTS, FieldMatch, compare, normalise, same_sex
from verifikasi.display import display_rows
from verifikasi.elements import FIELDS, Alamat, Elemen, Stated, parse_date

ALAMAT = Alamat(
    alamat="JL. MERDEKA NO. 5",
    prop_name="JAWA TENGAH",
    kab_name="PURBALINGGA",
    no_kec="1",
    kec_name="KEMANGKON",
    kel_name="KEMANGKON",
    no_rt="005",
    no_rw="002",
)
ELEMEN = Elemen(
    nik="3303014504900002",
    nama_lengkap="SITI AMINAH",
    jenis_kelamin="PEREMPUAN",
    tempat_lahir="PURBALINGGA",
    tanggal_lahir=dt.date(1990, 4, 5),
    status_perkawinan="BELUM KAWIN",
    jenis_pekerjaan="PELAJAR/MAHASISWA",
    alamat=ALAMAT,
)
NIK = ELEMEN.nik


def match_of(key: str, *, elemen: Elemen = ELEMEN, **stated: str | dt.date) -> bool | None:
    stated.setdefault("nik", NIK)
    rows = {row.key: row.match for row in compare(stated=Stated(**stated), elemen=elemen)}  # type: ignore[arg-type]
    return rows[key]


def with_alamat(**parts: str) -> Elemen:
    return dataclasses.replace(ELEMEN, alamat=dataclasses.replace(ALAMAT, **parts))


# --- names: forgiving only what does not change a letter -------------------

words = st.lists(st.text(alphabet=string.ascii_uppercase, min_size=1, max_size=10), min_size=1, max_size=4)


@st.composite
def spelled(draw: st.DrawFn, name_words: list[str]) -> str:
    """The same words in random case, with apostrophes, extra spaces and punctuation."""
    out = [draw(st.sampled_from(["", " ", "  ", "\t"]))]
    for index, word in enumerate(name_words):
        letters = [c.lower() if draw(st.booleans()) else c for c in word]
        if draw(st.booleans()):
            letters.insert(draw(st.integers(0, len(letters))), "'")
        out.append("".join(letters))
        last = index == len(name_words) - 1
        out.append(
            draw(
                st.sampled_from(
                    ["", ".", " ", ","] if last else [" ", "  ", ". ", ".", ", ", "-", " - ", "/", "\u00a0"]
                )
            )
        )
    return "".join(out)


@given(data=st.data(), name_words=words)
def test_it_matches_a_name_spelled_with_other_case_spaces_and_punctuation(
    data: st.DataObject, name_words: list[str]
) -> None:
    dukcapil = dataclasses.replace(ELEMEN, nama_lengkap=" ".join(name_words))
    typed = data.draw(spelled(name_words))
    assert match_of("nama_lengkap", elemen=dukcapil, nama_lengkap=typed) is True


names = st.text(alphabet=string.ascii_letters + " .'-", min_size=1, max_size=30)


@given(ours=names, theirs=names)
def test_it_never_equates_names_whose_letters_differ(ours: str, theirs: str) -> None:
    assume(re.sub("[^A-Z]", "", ours.upper()) != re.sub("[^A-Z]", "", theirs.upper()))
    assume(ours.strip(" .'-"))
    dukcapil = dataclasses.replace(ELEMEN, nama_lengkap=theirs)
    assert match_of("nama_lengkap", elemen=dukcapil, nama_lengkap=ours) is False


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [("ANI", "ANIK"), ("SITI AMINA", "SITI AMINAH"), ("SITI", "SITI AMINAH"), ("I", "\u0131")],
)
def test_it_refuses_a_name_a_letter_away(ours: str, theirs: str) -> None:
    dukcapil = dataclasses.replace(ELEMEN, nama_lengkap=theirs)
    assert match_of("nama_lengkap", elemen=dukcapil, nama_lengkap=ours) is False


def test_it_does_not_fold_sharp_s_into_ss() -> None:
    dukcapil = dataclasses.replace(ELEMEN, nama_lengkap="STRASSE")
    assert match_of("nama_lengkap", elemen=dukcapil, nama_lengkap="straße") is False


@pytest.mark.parametrize("typed", ["Siti  Aminah", "siti aminah", " SITI\tAMINAH "])
def test_it_matches_the_name_in_any_case_and_spacing(typed: str) -> None:
    assert match_of("nama_lengkap", nama_lengkap=typed) is True


def test_it_matches_h_dot_ahmad_with_h_ahmad() -> None:
    dukcapil = dataclasses.replace(ELEMEN, nama_lengkap="H. AHMAD")
    assert match_of("nama_lengkap", elemen=dukcapil, nama_lengkap="H Ahmad") is True


def test_it_matches_an_apostrophe_left_out() -> None:
    dukcapil = dataclasses.replace(ELEMEN, nama_lengkap="MA'RUF")
    assert match_of("nama_lengkap", elemen=dukcapil, nama_lengkap="Maruf") is True


# --- the result itself ------------------------------------------------------


def test_it_returns_one_row_per_element_in_order() -> None:
    rows = compare(stated=Stated(nik=NIK), elemen=ELEMEN)
    assert [(row.key, row.label) for row in rows] == list(FIELDS)


def test_it_has_eight_elements_with_alamat_sekarang_last() -> None:
    assert len(FIELDS) == 8 and FIELDS[-1] == ("alamat", "Alamat Sekarang")


def test_it_marks_what_the_officer_left_empty_as_not_checked() -> None:
    rows = compare(stated=Stated(nik=NIK), elemen=ELEMEN)
    assert [row.match for row in rows] == [True] + [None] * 7


def test_it_treats_a_dash_as_left_empty() -> None:
    assert match_of("jenis_pekerjaan", jenis_pekerjaan=" - ") is None


# Invented values no key or label of FIELDS contains: found in the result, one can only have leaked.
DISTINCTIVE = Elemen(
    nik="3303016311870004",
    nama_lengkap="QORIAH ZULFANINGSIH",
    jenis_kelamin="PEREMPUAN",
    tempat_lahir="WANAYASA KIDUL",
    tanggal_lahir=dt.date(1987, 11, 23),
    status_perkawinan="CERAI MATI",
    jenis_pekerjaan="PENGRAJIN GERABAH",
    alamat=Alamat(alamat="DUSUN KARANGJOHO", prop_name="JAWA TENGAH", kab_name="PURBALINGGA", no_kec="17",
                  kec_name="KARANGJAMBU", kel_name="SANGURAGUNG", no_rt="007", no_rw="003"),
)


def _values(obj: object) -> list[str]:
    """Every value of an Elemen (its Alamat's too), each date also as people write it."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return [v for f in dataclasses.fields(obj) for v in _values(getattr(obj, f.name))]
    if isinstance(obj, dt.date):
        return [obj.isoformat(), f"{obj:%d-%m-%Y}", f"{obj:%d/%m/%Y}"]
    return [str(obj)]


def _shown(obj: object) -> list[str]:
    """Everything an object shows: its repr and str, and those of every attribute, recursively."""
    texts = [repr(obj), str(obj)]
    if isinstance(obj, tuple | list):
        return texts + [t for item in obj for t in _shown(item)]
    names = set(getattr(obj, "__dict__", {}))
    for klass in type(obj).__mro__:
        slots = getattr(klass, "__slots__", ())
        names.update([slots] if isinstance(slots, str) else slots)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        names.update(f.name for f in dataclasses.fields(obj))
    return texts + [t for name in sorted(names) for t in _shown(getattr(obj, name))]


def _leaked(result: object, elemen: Elemen) -> set[str]:
    texts = [t.upper() for t in _shown(result)]
    return {value for value in _values(elemen) if any(value.upper() in t for t in texts)}


@pytest.mark.parametrize(
    "stated",
    [
        Stated(nik=DISTINCTIVE.nik, nama_lengkap=DISTINCTIVE.nama_lengkap, jenis_kelamin="P",
               tempat_lahir=DISTINCTIVE.tempat_lahir, tanggal_lahir="23-11-1987", status_perkawinan="CERAI MATI",
               jenis_pekerjaan="PENGRAJIN GERABAH", alamat="DUSUN KARANGJOHO", kec_name="KARANGJAMBU",
               kel_name="SANGURAGUNG", no_rt="7", no_rw="3"),
        Stated(nik="3303014504900002", nama_lengkap="SITI AMINAH", jenis_kelamin="L", tempat_lahir="CILACAP",
               tanggal_lahir="05-04-1990", status_perkawinan="KAWIN", jenis_pekerjaan="PETANI",
               alamat="JL. MERDEKA NO. 5", no_rt="1"),
        Stated(nik=DISTINCTIVE.nik),
    ],
    ids=["all-matching", "all-differing", "only-the-nik"],
)
def test_it_returns_no_dukcapil_value(stated: Stated) -> None:
    """The result carries keys, labels and booleans only: none of the Elemen's values, in any attribute."""
    rows = compare(stated=stated, elemen=DISTINCTIVE)

    assert [f.name for f in dataclasses.fields(FieldMatch)] == ["key", "label", "match", "compared", "parts",
                                                                "differing"]
    assert all(set(row.differing) <= set(ALAMAT_PARTS) for row in rows)  # the parts' keys, never a value
    assert [(row.key, row.label) for row in rows] == list(FIELDS)
    assert all(row.match is None or type(row.match) is bool for row in rows)
    assert all(type(row.compared) is int and type(row.parts) is int for row in rows)  # counts of parts only
    assert _leaked(rows, DISTINCTIVE) == set()
    # The scan is able to fail: a value planted in a label, or an address or date nested as an attribute, is found.
    nama = DISTINCTIVE.nama_lengkap
    alamat, tanggal = cast(Any, DISTINCTIVE.alamat), cast(Any, DISTINCTIVE.tanggal_lahir)
    assert _leaked((*rows, FieldMatch("nama_lengkap", f"Nama {nama}", True)), DISTINCTIVE) == {nama}
    assert _leaked(FieldMatch("alamat", "Alamat", alamat), DISTINCTIVE) == set(_values(alamat))
    assert _leaked(FieldMatch("tanggal_lahir", "Tanggal", tanggal), DISTINCTIVE) == {"1987-11-23"}


# --- the other elements ------------------------------------------------------


def test_it_matches_the_nik_written_with_dots() -> None:
    assert match_of("nik", nik="3303.01.450490.0002") is True


def test_it_refuses_another_nik() -> None:
    assert match_of("nik", nik="3303014504900003") is False


@pytest.mark.parametrize(
    ("typed", "dukcapil"),
    [
        ("P", "PEREMPUAN"),
        ("wanita", "PEREMPUAN"),
        ("Perempuan", "PEREMPUAN"),
        ("L", "LAKI-LAKI"),
        ("pria", "LAKI-LAKI"),
        ("Laki-laki", "LAKI-LAKI"),
        ("laki laki", "LAKI-LAKI"),
    ],
)
def test_it_matches_every_spelling_of_jenis_kelamin(typed: str, dukcapil: str) -> None:
    elemen = dataclasses.replace(ELEMEN, jenis_kelamin=dukcapil)
    assert match_of("jenis_kelamin", elemen=elemen, jenis_kelamin=typed) is True


@pytest.mark.parametrize("typed", ["L", "PRIA", "LAKI-LAKI", "X"])
def test_it_refuses_the_other_jenis_kelamin(typed: str) -> None:
    assert match_of("jenis_kelamin", jenis_kelamin=typed) is False


_SEX_BEFORE = {"L": "L", "LAKI LAKI": "L", "PRIA": "L", "P": "P", "PEREMPUAN": "P", "WANITA": "P"}
sex_spellings = st.one_of(
    st.sampled_from(["L", "P", "l", "p", "PRIA", "Wanita", "LAKI-LAKI", "laki laki", "Laki - Laki", "PEREMPUAN", "X",
                     "LAKI", "P.", "-", ""]),
    st.text(alphabet="LAKIPERMUNWlakiperm -.", max_size=12),
)


@given(stated=sex_spellings, dukcapil=sex_spellings)
def test_it_compares_sexes_as_its_own_table_did(stated: str, dukcapil: str) -> None:
    # The table written in this module before the spellings moved to `elements`.
    ours, theirs = normalise(stated), normalise(dukcapil)
    assert same_sex(stated, dukcapil) is (_SEX_BEFORE.get(ours, ours) == _SEX_BEFORE.get(theirs, theirs))


@pytest.mark.parametrize("typed", ["belum kawin", "Belum  Kawin", "BELUM KAWIN"])
def test_it_matches_status_perkawinan_in_any_case(typed: str) -> None:
    assert match_of("status_perkawinan", status_perkawinan=typed) is True


@pytest.mark.parametrize("typed", ["KAWIN", "CERAI HIDUP", "CERAI MATI"])
def test_it_refuses_another_status_perkawinan(typed: str) -> None:
    assert match_of("status_perkawinan", status_perkawinan=typed) is False


def test_it_matches_jenis_pekerjaan_with_its_slash() -> None:
    assert match_of("jenis_pekerjaan", jenis_pekerjaan="Pelajar / Mahasiswa") is True


def test_it_matches_tempat_lahir_in_any_case() -> None:
    assert match_of("tempat_lahir", tempat_lahir="purbalingga") is True


@pytest.mark.parametrize("typed", ["05-04-1990", "1990-04-05", "5 April 1990", "05-APR-1990"])
def test_it_matches_tanggal_lahir_as_a_date(typed: str) -> None:
    assert match_of("tanggal_lahir", tanggal_lahir=typed) is True


def test_it_matches_tanggal_lahir_given_as_a_date() -> None:
    assert match_of("tanggal_lahir", tanggal_lahir=dt.date(1990, 4, 5)) is True


def test_it_refuses_an_unreadable_tanggal_lahir() -> None:
    assert match_of("tanggal_lahir", tanggal_lahir="5 4 90") is False


def test_it_refuses_tanggal_lahir_when_dukcapil_sent_none() -> None:
    elemen = dataclasses.replace(ELEMEN, tanggal_lahir=None)
    assert match_of("tanggal_lahir", elemen=elemen, tanggal_lahir="05-04-1990") is False


def test_it_refuses_day_and_month_swapped() -> None:
    assert match_of("tanggal_lahir", tanggal_lahir="04-05-1990") is False


# --- alamat sekarang -----------------------------------------------------------


def test_it_matches_alamat_on_every_part_given() -> None:
    assert (
        match_of(
            "alamat",
            alamat="Jl Merdeka No 5",
            prop_name="Jawa Tengah",
            kab_name="Purbalingga",
            kec_name="Kemangkon",
            kel_name="Kemangkon",
            no_rt="5",
            no_rw="02",
        )
        is True
    )


def test_it_compares_rt_as_a_number() -> None:
    assert match_of("alamat", no_rt="50") is False


def test_it_refuses_alamat_when_one_part_differs() -> None:
    assert match_of("alamat", alamat="Jl Merdeka No 5", kec_name="Bukateja") is False


def test_it_skips_an_address_part_dukcapil_left_empty() -> None:
    elemen = with_alamat(kel_name="")
    assert match_of("alamat", elemen=elemen, kel_name="Kemangkon", no_rw="2") is True


def test_it_does_not_check_alamat_when_no_part_is_on_both_sides() -> None:
    elemen = with_alamat(kel_name="")
    assert match_of("alamat", elemen=elemen, kel_name="Kemangkon") is None


@pytest.mark.parametrize(
    ("part", "typed"),
    [
        ("prop_name", "Provinsi Jawa Tengah"),
        ("kab_name", "Kabupaten Purbalingga"),
        ("kab_name", "Kab. Purbalingga"),
        ("kec_name", "Kecamatan Kemangkon"),
        ("kel_name", "Desa Kemangkon"),
    ],
)
def test_it_ignores_the_administrative_word_the_ktp_prints(part: str, typed: str) -> None:
    stated = dataclasses.replace(Stated(nik=NIK), **{part: typed})
    assert compare(stated=stated, elemen=ELEMEN)[-1].match is True


def test_it_tells_kota_from_kabupaten() -> None:
    elemen = with_alamat(kab_name="TEGAL")
    assert match_of("alamat", elemen=elemen, kab_name="Kota Tegal") is False


# --- parse_date ---------------------------------------------------------------

MONTH_NAMES = {
    1: ["JAN"], 2: ["FEB", "PEB"], 3: ["MAR"], 4: ["APR"], 5: ["MEI", "MAY"], 6: ["JUN"],
    7: ["JUL"], 8: ["AGU", "AGS", "AUG"], 9: ["SEP"], 10: ["OKT", "OCT"], 11: ["NOV"],
    12: ["DES", "DEC"],
}  # fmt: skip


@st.composite
def written(draw: st.DrawFn, day: dt.date) -> str:
    name = draw(st.sampled_from(MONTH_NAMES[day.month]))
    name = "".join(c.lower() if draw(st.booleans()) else c for c in name)
    return draw(
        st.sampled_from(
            [
                f"{day.year:04d}-{day.month:02d}-{day.day:02d}",
                f"{day.day:02d}-{day.month:02d}-{day.year:04d}",
                f"{day.day:02d}/{day.month:02d}/{day.year:04d}",
                f"{day.day:02d}.{day.month:02d}.{day.year:04d}",
                f"{day.day:02d}-{name}-{day.year:04d}",
            ]
        )
    )


@given(data=st.data(), day=st.dates(min_value=dt.date(1000, 1, 1)))
def test_it_parses_every_format_back_to_the_date(data: st.DataObject, day: dt.date) -> None:
    assert parse_date(data.draw(written(day))) == day


@pytest.mark.parametrize(
    "value", ["1985-05-15", "15-05-1985", "15.05.1985", "15-MAY-1985", "15-MEI-1985", "15/05/1985"]
)
def test_it_parses_the_gateway_formats(value: str) -> None:
    assert parse_date(value) == dt.date(1985, 5, 15)


@pytest.mark.parametrize("value", ["17 Agustus 1945", "17-AGT-1945", " 17 agustus  1945 "])
def test_it_parses_dates_as_people_here_write_them(value: str) -> None:
    assert parse_date(value) == dt.date(1945, 8, 17)


@pytest.mark.parametrize(
    "value",
    ["", "31-02-1985", "15-13-1985", "15-05-85", "15-05/1985", "1985/05/15", "15-MEY-1985",
     "19850515", "1985-W20", "١٥-٠٥-١٩٨٥"],
)  # fmt: skip
def test_it_refuses_what_is_not_one_date_format(value: str) -> None:
    assert parse_date(value) is None


def test_it_says_how_much_of_the_address_was_compared() -> None:
    one = Stated(nik="x", kel_name="Kemangkon")
    alamat = compare(stated=one, elemen=ELEMEN)[-1]
    assert (alamat.key, alamat.compared, alamat.parts) == ("alamat", 1, 7)
    assert match_of("alamat", kel_name="Kemangkon") is True
    row = next(r for r in display_rows(stated=one, elemen=ELEMEN, matches=compare(stated=one, elemen=ELEMEN))
               if r.label == "Alamat Sekarang")
    assert row.match is True and row.note == "1 dari 7 bagian alamat dibandingkan"
    full = Stated(nik="x", alamat="Jl Merdeka No 5", prop_name="Jawa Tengah", kab_name="Purbalingga",
                  kec_name="Kemangkon", kel_name="Kemangkon", no_rt="5", no_rw="02")
    assert (compare(stated=full, elemen=ELEMEN)[-1].compared, compare(stated=full, elemen=ELEMEN)[-1].parts) == (7, 7)
    whole = display_rows(stated=full, elemen=ELEMEN, matches=compare(stated=full, elemen=ELEMEN))[-1]
    assert whole.match is True and whole.note == ""


def test_it_notes_beside_the_row_where_the_nik_structure_says_otherwise() -> None:
    from verifikasi.nik import nik_check

    check = nik_check("3303015505850001")  # encodes a woman born 15-05-1985
    stated = Stated(nik="x", tanggal_lahir="16-05-1985")
    recorded = dataclasses.replace(ELEMEN, jenis_kelamin="LAKI-LAKI", tanggal_lahir=dt.date(1985, 5, 16))
    rows = {r.label: r for r in display_rows(stated=stated, elemen=recorded,
                                             matches=compare(stated=stated, elemen=recorded), check=check)}
    assert rows["Jenis Kelamin"].note == "Struktur NIK menunjukkan PEREMPUAN"
    assert rows["Tanggal Lahir"].match is True  # the record decides; the hint only explains
    assert rows["Tanggal Lahir"].note.startswith("Struktur NIK menunjukkan 15-05-1985")
    agreeing = dataclasses.replace(ELEMEN, jenis_kelamin="P", tanggal_lahir=dt.date(1985, 5, 15))
    quiet = display_rows(stated=stated, elemen=agreeing, matches=compare(stated=stated, elemen=agreeing), check=check)
    assert all(r.note == "" for r in quiet if r.label in ("Jenis Kelamin", "Tanggal Lahir"))
