from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from akun.models import User

from .models import Jenis, Permohonan, Status


def permohonan_open(*, operator: User, jenis: Jenis) -> Permohonan:
    """Open a service request for the applicant at the counter; numbered per day."""
    prefix = f"P-{timezone.localdate():%Y%m%d}-"
    for _attempt in range(20):
        count = Permohonan.objects.filter(nomor__startswith=prefix).count()
        try:
            with transaction.atomic():
                return Permohonan.objects.create(nomor=f"{prefix}{count + 1:04d}", jenis=jenis,
                                                 dibuka_oleh=operator)
        except IntegrityError:
            continue  # another officer took this number at the same moment
    raise RuntimeError("Nomor permohonan tidak dapat dibuat; coba lagi.")


def permohonan_close(*, permohonan: Permohonan) -> None:
    permohonan.status = Status.SELESAI
    permohonan.save(update_fields=["status"])
