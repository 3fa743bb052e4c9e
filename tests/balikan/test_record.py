"""Return data is owed in the event's own transaction, from one mapping, never truncated."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from balikan.models import Balikan, Peristiwa
from balikan.services import FIELDS, balikan_record_create, param_build
from verifikasi.keyed import nik_hmac

NIK = "3303014504900002"


@pytest.mark.django_db
def test_it_records_the_nik_its_keyed_hash_and_the_mapped_param() -> None:
    row = balikan_record_create(peristiwa=Peristiwa.SERTIFIKAT, nik=NIK, permohonan_ref="P-1",
                                values={"nomor_sertifikat_pelatihan": "LAT/2026/001", "jenis_pelatihan": "Las listrik"})
    assert row.nik_hmac == nik_hmac(NIK)  # the audit's own keyed hash: reports reconcile on it
    assert row.param == {"NO_SERTIFIKAT_PELATIHAN": "LAT/2026/001", "JENIS_PELATIHAN": "Las listrik"}


def test_the_mapping_renames_the_keys(settings) -> None:
    settings.BALIKAN_PARAM_KEYS = {"penempatan_kerja": "PENEMPATAN"}
    assert param_build({"penempatan_kerja": "PT Contoh, Purbalingga"}) == {"PENEMPATAN": "PT Contoh, Purbalingga"}


@given(extra=st.integers(min_value=1, max_value=50))
def test_a_value_over_its_limit_is_refused_never_truncated(extra: int) -> None:
    limit = FIELDS["keterangan_pencari_kerja"][1]
    with pytest.raises(ValidationError, match="terlalu panjang"):
        param_build({"keterangan_pencari_kerja": "x" * (limit + extra)})
    assert param_build({"keterangan_pencari_kerja": "x" * limit})["KETERANGAN_PENCARI_KERJA"] == "x" * limit


@pytest.mark.django_db
@pytest.mark.parametrize("nik", ["", "330301450490000", "3303014504900002 ", "33030145049000O2", "١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦"])
def test_a_malformed_nik_is_refused_and_nothing_is_kept(nik: str) -> None:
    with pytest.raises(ValidationError, match="16 digit"):
        balikan_record_create(peristiwa=Peristiwa.PENCARI_KERJA, nik=nik, values={})
    assert not Balikan.objects.exists()


def test_the_record_rolls_back_with_its_event(transactional_db: None, django_db_serialized_rollback: None) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        balikan_record_create(peristiwa=Peristiwa.PENCARI_KERJA, nik=NIK, values={"keterangan_pencari_kerja": "AK/1"})
        raise RuntimeError("the event failed after the record was added")
    assert not Balikan.objects.exists()
