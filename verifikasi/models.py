"""The portal's own facts about lookups. Nothing Dukcapil answered is ever a field here."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class QuotaDay(models.Model):
    """Requests sent to Dukcapil on one calendar day (Asia/Jakarta), institution-wide."""

    tanggal = models.DateField(primary_key=True)
    terpakai = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "kuota harian"
        verbose_name_plural = "kuota harian"

    def __str__(self) -> str:
        return f"{self.tanggal:%d-%m-%Y}: {self.terpakai}"


class OperatorQuotaDay(models.Model):
    tanggal = models.DateField()
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    terpakai = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tanggal", "operator"], name="kuota_operator_per_hari")]

    def __str__(self) -> str:
        return f"{self.tanggal:%d-%m-%Y} operator {self.operator_id}: {self.terpakai}"


class QuotaAlert(models.Model):
    """The admin's alert when the day's use crosses 80 % or 95 % of the quota."""

    tanggal = models.DateField()
    ambang = models.PositiveSmallIntegerField("ambang (%)")
    terpakai = models.PositiveIntegerField()
    kuota = models.PositiveIntegerField()
    dibuat_pada = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "peringatan kuota"
        verbose_name_plural = "peringatan kuota"
        ordering = ["-dibuat_pada"]
        constraints = [models.UniqueConstraint(fields=["tanggal", "ambang"], name="satu_peringatan_per_ambang")]

    def __str__(self) -> str:
        return f"Kuota {self.tanggal:%d-%m-%Y}: {self.terpakai} dari {self.kuota} ({self.ambang} %)"


class GuardTrace(models.Model):
    """What the enumeration guard keeps to decide, only for its window (then deleted).

    The NIK is not kept: only a keyed hash of its first twelve digits (region and
    birth date) and its serial, enough to see neighbours and repeats in the window.
    """

    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    waktu = models.DateTimeField(db_index=True)
    prefix_hmac = models.CharField(max_length=64, db_index=True)
    serial = models.PositiveSmallIntegerField()
    # Keyed hash of district, sex and serial, and the encoded birth date as a day index:
    # enough to see a sweep over birth dates within the window.
    pola_hmac = models.CharField(max_length=64, db_index=True, default="")
    lahir = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"jejak penjaga {self.pk}"


class Mode(models.TextChoices):
    MANUAL = "manual", "Manual (petugas membaca portal web Dukcapil)"
    TERHUBUNG = "terhubung", "Terhubung (portal mengirim permintaan ke gateway Dukcapil)"


class ModeAkses(models.Model):
    """Singleton: manual mode until the PoC is passed and the gateway connected."""

    mode = models.CharField("mode akses", max_length=12, choices=Mode.choices, default=Mode.MANUAL)
    diubah_oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    diubah_pada = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "mode akses Dukcapil"
        verbose_name_plural = "mode akses Dukcapil"

    def __str__(self) -> str:
        return self.get_mode_display()

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.mode == Mode.TERHUBUNG and not settings.DUKCAPIL_NIK_URL:
            raise ValidationError("Mode terhubung memerlukan DUKCAPIL_NIK_URL dan kredensial di lingkungan server.")


class Kind(models.TextChoices):
    SENT = "kirim", "Permintaan dikirim ke Dukcapil (dicatat sebelum dikirim)"
    LOOKUP = "lookup", "Jawaban Dukcapil atas permintaan"
    AUTHORISATION = "izin", "Izin pemeriksaan manual (sebelum membuka portal web Dukcapil)"
    MANUAL = "manual", "Pencatatan hasil manual (portal web Dukcapil)"
    REFUSAL = "refusal", "Ditolak portal"
    OVERRIDE = "override", "Penolakan dilewati dengan alasan"
    ADMIN = "admin", "Tindakan admin"
    REPORT = "laporan", "Laporan semester dibuat (kepala jejak diterbitkan)"


class AuditEntry(models.Model):
    """One link of the append-only audit chain (PKS Pasal 8(3)); never updated or deleted."""

    seq = models.PositiveBigIntegerField(unique=True)
    waktu = models.DateTimeField()
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    operator_username = models.CharField(max_length=150)
    client_ip = models.GenericIPAddressField(null=True)
    permohonan_ref = models.CharField("permohonan", max_length=40)
    jenis = models.CharField(max_length=10, choices=Kind.choices)
    mode = models.CharField(max_length=12, choices=Mode.choices)
    outcome = models.CharField("kategori hasil", max_length=4, blank=True)
    nik_hmac = models.CharField(max_length=64, blank=True)
    nik_masked = models.CharField("NIK (disamarkan)", max_length=16, blank=True)
    kecocokan = models.JSONField("kecocokan per elemen", default=dict, blank=True)
    alasan = models.TextField(blank=True)
    rujukan = models.PositiveBigIntegerField("merujuk baris", null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    row_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "jejak audit"
        verbose_name_plural = "jejak audit"
        ordering = ["-seq"]
        indexes = [
            # A service request's rows (the decision, the report), and an answer's request (unanswered check).
            models.Index(fields=["permohonan_ref", "seq"], name="audit_permohonan_seq"),
            models.Index(fields=["jenis", "rujukan"], name="audit_jenis_rujukan"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.get_jenis_display()} {self.nik_masked}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Jejak audit tidak boleh diubah.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Jejak audit tidak boleh dihapus.")


class AuditHead(models.Model):
    """Singleton: the chain's current head (count and hash), locked to append in order."""

    count = models.PositiveBigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"{self.count} baris, {self.head_hash}"
