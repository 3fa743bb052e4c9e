"""The operator record's NIK validator (akun/validators.py), decoded by nik_structure."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from akun.validators import validate_operator_nik


def _verdict(value: str) -> str:
    try:
        validate_operator_nik(value)
    except ValidationError as error:
        return error.messages[0]
    return ""


def _verdict_before(value: str) -> str:
    """The validator as it was written before nik_structure, for ASCII input."""
    if not re.search(r"^\d{16}$", value):
        return "NIK harus tepat 16 digit angka."
    day, month = int(value[6:8]), int(value[8:10])
    if day > 40:
        day -= 40
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return "Tanggal lahir di dalam NIK tidak valid."
    if value[12:] == "0000":
        return "Nomor urut NIK tidak boleh 0000."
    return ""


@given(value=st.one_of(st.text(alphabet="0123456789", min_size=16, max_size=16),
                       st.text(alphabet=st.characters(max_codepoint=127, exclude_characters="\n"))))
def test_it_gives_the_verdict_it_always_gave_for_ascii_text(value: str) -> None:
    assert _verdict(value) == _verdict_before(value)


@pytest.mark.parametrize(("value", "message"), [
    ("3303015708910004", ""),
    ("3303011708910004", ""),
    ("330301570891000", "NIK harus tepat 16 digit angka."),
    ("33030157O891OOO4", "NIK harus tepat 16 digit angka."),
    ("3303014513910004", "Tanggal lahir di dalam NIK tidak valid."),
    ("3303013201910004", "Tanggal lahir di dalam NIK tidak valid."),
    ("3303014001910004", "Tanggal lahir di dalam NIK tidak valid."),
    ("3303017201910004", "Tanggal lahir di dalam NIK tidak valid."),
    ("3303015708910000", "Nomor urut NIK tidak boleh 0000."),
])
def test_it_refuses_with_its_own_message(value: str, message: str) -> None:
    assert _verdict(value) == message


@pytest.mark.parametrize("value", ["٣٣٠٣٠١٥٧٠٨٩١٠٠٠٤", "3303015708910004\n"])
def test_it_refuses_what_is_not_sixteen_ascii_digits(value: str) -> None:
    # `\d{16}$` let other scripts' digits and a final newline through; the NIK is ASCII digits only.
    assert _verdict(value) == "NIK harus tepat 16 digit angka."
