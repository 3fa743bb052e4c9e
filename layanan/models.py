"""Service requests at the counter: every NIK lookup belongs to one (Juknis II.E.1)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from verifikasi.services import Claim


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
    # The applicant's NIK as the audit's keyed hash, set by the first lookup granted for this request:
    # a request serves one applicant, checked inside the guard's lock (never the NIK itself).
    nik_hmac = models.CharField("NIK pemohon (hash berkunci)", max_length=64, blank=True, default="",
                                editable=False)

    class Meta:
        verbose_name = "permohonan"
        verbose_name_plural = "permohonan"
        ordering = ["-dibuka_pada"]

    def __str__(self) -> str:
        return f"{self.nomor} ({self.get_jenis_display()})"

    def applicant_claim(self, *, nik_hmac: str) -> Claim:
        """Bind this request to the applicant whose NIK hashes to `nik_hmac`, unless it has another.

        Called by verifikasi inside the guard's lock. What this instance loaded is trusted only
        when it already names an applicant (a binding never changes once committed).
        """
        if self.nik_hmac:
            return Claim.HELD if self.nik_hmac == nik_hmac else Claim.OTHER
        if Permohonan.objects.filter(pk=self.pk, nik_hmac="").update(nik_hmac=nik_hmac):
            self.nik_hmac = nik_hmac
            return Claim.FRESH
        self.nik_hmac = Permohonan.objects.values_list("nik_hmac", flat=True).get(pk=self.pk)
        return Claim.HELD if self.nik_hmac == nik_hmac else Claim.OTHER

    def applicant_release(self, *, nik_hmac: str) -> None:
        """Undo a fresh claim whose lookup was refused (same transaction, same lock)."""
        Permohonan.objects.filter(pk=self.pk, nik_hmac=nik_hmac).update(nik_hmac="")
        self.nik_hmac = ""
