"""Reporting periods: which semester a day is in, its bounds, and the delivery date."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from laporan.semester import JAKARTA, Semester, semesters_between

days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))


@given(days)
def test_a_day_lies_in_its_own_semester(day: dt.date) -> None:
    semester = Semester.containing(day)
    assert semester.first_day <= day <= semester.last_day
    assert semester.start_at <= dt.datetime.combine(day, dt.time(23, 59), tzinfo=JAKARTA) < semester.end_at


@given(days)
def test_semesters_follow_each_other_without_gap(day: dt.date) -> None:
    semester = Semester.containing(day)
    assert semester.next().first_day == semester.last_day + dt.timedelta(days=1)
    assert semester.end_at == semester.next().start_at
    assert len(semester.months()) == 6 and semester.months()[0] == semester.first_day


@given(days)
def test_the_delivery_date_is_ten_working_days_after_the_end(day: dt.date) -> None:
    semester = Semester.containing(day)
    due = semester.due_date
    between = [semester.last_day + dt.timedelta(days=i) for i in range(1, (due - semester.last_day).days + 1)]
    assert due.weekday() < 5
    assert sum(1 for d in between if d.weekday() < 5) == 10


def test_semester_i_of_2026_runs_january_to_june_and_is_due_14_july() -> None:
    s = Semester(2026, 1)
    assert (s.first_day, s.last_day, s.label) == (dt.date(2026, 1, 1), dt.date(2026, 6, 30), "Semester I Tahun 2026")
    assert s.due_date == dt.date(2026, 7, 14)  # 30 June is a Tuesday


def test_semester_ii_of_2025_is_due_14_january_2026() -> None:
    assert Semester(2025, 2).due_date == dt.date(2026, 1, 14)
    assert Semester(2025, 2).label == "Semester II Tahun 2025"


def test_the_boundary_is_midnight_in_jakarta_not_utc() -> None:
    assert Semester(2026, 2).start_at == dt.datetime(2026, 6, 30, 17, 0, tzinfo=dt.UTC)


def test_semesters_from_the_agreement_to_today_newest_first() -> None:
    found = semesters_between(dt.date(2025, 9, 16), dt.date(2026, 11, 29))
    assert found == [Semester(2026, 2), Semester(2026, 1), Semester(2025, 2)]


@pytest.mark.parametrize(("year", "half"), [(2026, 0), (2026, 3), (1999, 1)])
def test_an_unknown_semester_is_refused(year: int, half: int) -> None:
    with pytest.raises(ValueError, match="Semester tidak dikenal"):
        Semester(year, half)
