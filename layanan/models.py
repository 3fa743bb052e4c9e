"""Service requests at the counter: every NIK lookup belongs to one (Juknis II.E.1)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Jenis(models.TextChoices):
    AK1 = "ak1", "Kartu AK/1 (pencari kerja)"
    PELATIHAN = "pelatihan", "Pendaftaran pelatihan kerja"


class Status(models.TextChoices):
    PEMERIKSAAN = "pemeriksaan", "Pemeriksaan dokumen"
    SELESAI = "selesai", "Selesai"


class Permohonan(models.Model):
    nomor = models.CharField(max_length=40, unique=True)
    jenis = models.CharField(max_length=12, choices=Jenis.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PEMERIKSAAN)
    dibuka_oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    dibuka_pada = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "permohonan"
        verbose_name_plural = "permohonan"
        ordering = ["-dibuka_pada"]

    def __str__(self) -> str:
        return f"{self.nomor} ({self.get_jenis_display()})"
