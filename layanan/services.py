from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from akun.models import User

from .models import Jenis, Permohonan, Status


def permohonan_open(*, operator: User, jenis: Jenis) -> Permohonan:
    """Open a service request for the applicant at the counter; numbered per day."""
    today = timezone.localdate()
    with transaction.atomic():
        prefix = f"P-{today:%Y%m%d}-"
        count = Permohonan.objects.select_for_update().filter(nomor__startswith=prefix).count()
        return Permohonan.objects.create(nomor=f"{prefix}{count + 1:04d}", jenis=jenis, dibuka_oleh=operator)


def permohonan_close(*, permohonan: Permohonan) -> None:
    permohonan.status = Status.SELESAI
    permohonan.save(update_fields=["status"])
