"""The NIK's structure (nik_structure): decoded in one place, without Django."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nik_structure import FEMALE, FEMALE_DAY_OFFSET, MALE, NIK_PATTERN, NikParts, nik_compose, nik_parse

TODAY = dt.date(2025, 9, 16)
# Every date in (TODAY - 100 years, TODAY] has exactly one reading: 20YY if real and not after today, else 19YY.
OLDEST = dt.date(TODAY.year - 100, TODAY.month, TODAY.day) + dt.timedelta(days=1)

sixteen_digits = st.text(alphabet="0123456789", min_size=16, max_size=16)
districts = st.text(alphabet="0123456789", min_size=6, max_size=6)
births = st.dates(min_value=OLDEST, max_value=TODAY)
sexes = st.sampled_from([MALE, FEMALE])
serials = st.integers(min_value=0, max_value=9999)


@given(value=st.text())
def test_it_parses_exactly_sixteen_ascii_digits_and_never_raises(value: str) -> None:
    parts = nik_parse(value)
    assert (parts is not None) is (len(value) == 16 and value.isascii() and value.isdigit())


@given(value=sixteen_digits)
def test_it_parses_every_sixteen_digit_string_into_parts_that_write_it_back(value: str) -> None:
    parts = nik_parse(value)
    assert parts is not None and parts.nik == value
    written = f"{parts.district_code}{parts.encoded_day:02d}{parts.month:02d}{parts.yy:02d}{parts.serial:04d}"
    assert written == value
    assert (parts.province_code, parts.regency_code) == (value[:2], value[:4])


@given(value=sixteen_digits, today=st.dates())
def test_it_gives_a_birth_date_not_after_today_or_none(value: str, today: dt.date) -> None:
    parts = nik_parse(value)
    assert parts is not None
    born = parts.birth_date(today=today)
    assert born is None or (born <= today and born.day == parts.day and born.month == parts.month
                            and born.year % 100 == parts.yy)


@given(district=districts, born=births, sex=sexes, serial=serials)
def test_sex_and_birth_date_round_trip_through_a_composed_nik(district: str, born: dt.date, sex: str,
                                                            serial: int) -> None:
    parts = nik_parse(nik_compose(district_code=district, born=born, sex=sex, serial=serial))
    assert parts is not None
    assert (parts.district_code, parts.sex, parts.birth_date(today=TODAY), parts.serial) == (
        district, sex, born, serial)
    assert parts.encoded_day == born.day + (FEMALE_DAY_OFFSET if sex == FEMALE else 0)


@given(value=sixteen_digits)
def test_a_day_above_40_is_a_woman_and_loses_the_offset(value: str) -> None:
    parts = nik_parse(value)
    assert parts is not None
    woman = parts.encoded_day > 40
    assert parts.sex == (FEMALE if woman else MALE)
    assert parts.day == (parts.encoded_day - 40 if woman else parts.encoded_day)


def test_it_reads_the_example_as_a_woman_born_5_april_1990() -> None:
    parts = nik_parse("3303014504900002")
    assert parts == NikParts("3303014504900002", "33", "3303", "330301", 45, 4, 90, 2)
    assert (parts.sex, parts.day, parts.birth_date(today=TODAY)) == (FEMALE, 5, dt.date(1990, 4, 5))


def test_day_40_is_a_man_on_day_40() -> None:
    parts = nik_parse("3303014001900002")
    assert parts is not None and (parts.sex, parts.day, parts.birth_date(today=TODAY)) == (MALE, 40, None)


def test_it_reads_a_year_after_today_as_19yy() -> None:
    parts = nik_parse("3303011709300002")
    assert parts is not None and parts.birth_date(today=TODAY) == dt.date(1930, 9, 17)


def test_it_refuses_29_february_2000_before_it_happened() -> None:
    parts = nik_parse("3303012902000002")
    assert parts is not None and parts.birth_date(today=dt.date(1999, 12, 31)) is None


@pytest.mark.parametrize("value", ["3303014504900002\n", " 3303014504900002", "٣٣٠٣٠١٤٥٠٤٩٠٠٠٠٢",
                                   "33030145049000021", "330301450490000"])
def test_it_refuses_anything_but_the_sixteen_digits(value: str) -> None:
    assert nik_parse(value) is None
    assert NIK_PATTERN.search(value) is None


@pytest.mark.parametrize("change", [{"district_code": "33030"}, {"district_code": "٣٣٠٣٠١"}, {"sex": "L"},
                                    {"serial": 10000}, {"serial": -1}])
def test_it_refuses_to_compose_from_impossible_parts(change: dict[str, object]) -> None:
    parts: dict[str, object] = {"district_code": "330301", "born": dt.date(1990, 4, 5), "sex": FEMALE, "serial": 2}
    with pytest.raises(ValueError):
        nik_compose(**{**parts, **change})  # type: ignore[arg-type]


def test_it_imports_no_django() -> None:
    code = "import sys, nik_structure; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.stdout.strip() == "[]"
