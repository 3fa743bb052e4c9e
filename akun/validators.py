"""Validators for operator records and uploaded scans (messages in Indonesian)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import RegexValidator

from nik_structure import nik_parse

kode_wilayah_format = RegexValidator(
    r"^\d{2}(\.\d{2}){0,2}(\.\d{4})?$", "Kode wilayah ditulis seperti 33.03 atau 33.03.01."
)


def validate_operator_nik(value: str) -> None:
    """16 ASCII digits, a plausible birth date part (day 1-31, a woman's 41-71; month
    1-12) and a serial from 0001.

    The full structural check with the region list lives in `verifikasi`; accounts
    import nothing above them, so this is the part that needs no data.
    """
    parts = nik_parse(value)
    if parts is None:
        raise ValidationError("NIK harus tepat 16 digit angka.", code="invalid")
    if not (1 <= parts.day <= 31 and 1 <= parts.month <= 12):
        raise ValidationError("Tanggal lahir di dalam NIK tidak valid.")
    if parts.serial == 0:
        raise ValidationError("Nomor urut NIK tidak boleh 0000.")


def validate_pdf(upload: UploadedFile) -> None:
    """PDF only, by content (not only by name), and no larger than UPLOAD_MAX_BYTES."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            f"Berkas terlalu besar ({upload.size // 1024} KB); batasnya {limit // 1024} KB."
        )
    if not (upload.name or "").lower().endswith(".pdf"):
        raise ValidationError("Berkas harus berformat PDF (.pdf).")
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(5)
    upload.seek(position)
    if head != b"%PDF-":
        raise ValidationError("Isi berkas bukan PDF yang sah.")
