"""Reporting periods: semester I (January-June) and II (July-December), Asia/Jakarta (PKS Pasal 8(1))."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
WORKING_DAYS_TO_DELIVER = 10  # Juknis V.C


@dataclass(frozen=True, order=True)
class Semester:
    year: int
    half: int  # 1 (January-June) or 2 (July-December)

    def __post_init__(self) -> None:
        if self.half not in (1, 2) or not 2000 <= self.year <= 2100:
            raise ValueError("Semester tidak dikenal.")

    @classmethod
    def containing(cls, day: dt.date) -> Semester:
        return cls(day.year, 1 if day.month <= 6 else 2)

    @property
    def first_day(self) -> dt.date:
        """The first day of the semester (1 January or 1 July)."""
        return dt.date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def last_day(self) -> dt.date:
        """The last day of the semester (30 June or 31 December)."""
        return dt.date(self.year, 6, 30) if self.half == 1 else dt.date(self.year, 12, 31)

    def next(self) -> Semester:
        return Semester(self.year, 2) if self.half == 1 else Semester(self.year + 1, 1)

    @property
    def start_at(self) -> dt.datetime:
        """Midnight in Asia/Jakarta at the start; the period is [start_at, end_at)."""
        return dt.datetime.combine(self.first_day, dt.time(), tzinfo=JAKARTA)

    @property
    def end_at(self) -> dt.datetime:
        return self.next().start_at

    @property
    def label(self) -> str:
        return f"Semester {'I' if self.half == 1 else 'II'} Tahun {self.year}"

    @property
    def due_date(self) -> dt.date:
        """Ten working days (Monday to Friday) after the semester ends (Juknis V.C).

        National holidays and cuti bersama are not counted out, so the true deadline can
        only be later than this date, never earlier.
        """
        day, counted = self.last_day, 0
        while counted < WORKING_DAYS_TO_DELIVER:
            day += dt.timedelta(days=1)
            if day.weekday() < 5:
                counted += 1
        return day

    def months(self) -> list[dt.date]:
        """The first day of each of the six months."""
        return [dt.date(self.year, self.first_day.month + i, 1) for i in range(6)]


def semesters_between(first_day: dt.date, today: dt.date) -> list[Semester]:
    """Every semester from the one holding `first_day` to the one holding `today`, newest first."""
    current, last = Semester.containing(first_day), Semester.containing(today)
    found = []
    while current <= last:
        found.append(current)
        current = current.next()
    return found[::-1]
