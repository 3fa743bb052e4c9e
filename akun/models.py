"""Operators, their NDA and the head's SPTJM, and the agreement (PKS) as data."""

from __future__ import annotations

import calendar
import datetime as dt
import os

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from .validators import kode_wilayah_format, validate_operator_nik, validate_pdf


class PrivateStorage(FileSystemStorage):
    """Reads PRIVATE_MEDIA_ROOT on every use: the field's storage is built once, at import,
    and must still agree with the download view when the setting changes (tests, overrides)."""

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def private_storage() -> FileSystemStorage:
    """Scans live outside every public URL; only a permission-checked view serves them."""
    return PrivateStorage(base_url=None)


class StatusKepegawaian(models.TextChoices):
    PNS = "PNS", "PNS"
    PPPK = "PPPK", "PPPK"
    HONORER = "HONORER", "Honorer / non-ASN"


nomor_pegawai_format = RegexValidator(
    r"^\d{18}$", "Nomor identitas kepegawaian (NIP / NI PPPK) harus 18 digit angka tanpa spasi."
)


class User(AbstractUser):
    """An operator of the portal, with the fields of the User ID form (Juknis II.A.3.a)."""

    nik = models.CharField("NIK", max_length=16, blank=True, validators=[validate_operator_nik])
    nama_lengkap = models.CharField("nama lengkap", max_length=150, blank=True)
    nomor_pegawai = models.CharField(
        "nomor identitas kepegawaian",
        max_length=18,
        blank=True,
        validators=[nomor_pegawai_format],
        help_text="NIP untuk PNS, NI PPPK untuk PPPK, kosong untuk tenaga honorer.",
    )
    status_kepegawaian = models.CharField(
        "status kepegawaian", max_length=10, choices=StatusKepegawaian.choices, blank=True
    )
    jabatan = models.CharField("jabatan", max_length=150, blank=True)
    kode_wilayah_kantor = models.CharField(
        "kode wilayah kantor", max_length=13, blank=True, validators=[kode_wilayah_format]
    )
    nama_kantor = models.CharField("nama kantor", max_length=150, blank=True)
    alamat_kantor = models.CharField("alamat kantor", max_length=255, blank=True)
    batas_harian = models.PositiveIntegerField(
        "batas pribadi permintaan per hari", null=True, blank=True, validators=[MinValueValidator(1)],
        help_text="Paling sedikit 1. Kosong: mengikuti batas umum DUKCAPIL_OPERATOR_DAILY_CAP. Untuk menghentikan "
                  "akses petugas, nonaktifkan akunnya. Kuota harian instansi tetap berlaku.",
    )

    def operator_daily_cap(self) -> int:
        """This operator's own daily cap (0 = none): the admin's value, else the deployment's."""
        return settings.DUKCAPIL_OPERATOR_DAILY_CAP if self.batas_harian is None else self.batas_harian

    class Meta:
        verbose_name = "operator"
        verbose_name_plural = "operator"
        permissions = [
            ("akses_loket", "Dapat memakai halaman loket"),
            ("akses_dukcapil", "Dapat melakukan akses data Dukcapil"),
            ("kelola_portal", "Dapat mengelola operator, NDA dan jejak audit"),
            ("unduh_laporan", "Dapat mengunduh laporan semester"),
        ]

    def __str__(self) -> str:
        return self.nama_lengkap or self.username

    def clean(self) -> None:
        super().clean()
        status, nomor = self.status_kepegawaian, self.nomor_pegawai
        if status in (StatusKepegawaian.PNS, StatusKepegawaian.PPPK) and not nomor:
            raise ValidationError({"nomor_pegawai": f"Pegawai berstatus {status} wajib mengisi nomor 18 digit."})
        if status == StatusKepegawaian.HONORER and nomor:
            raise ValidationError({"nomor_pegawai": "Tenaga honorer tidak memiliki NIP / NI PPPK; kosongkan."})


class SignedStatement(models.Model):
    """A signed, stamped paper statement on file: its scan and who verified it."""

    tanggal_tanda_tangan = models.DateField("tanggal tanda tangan")
    berkas = models.FileField(
        "pindaian (PDF)", storage=private_storage, upload_to="pernyataan/%Y/", validators=[validate_pdf]
    )
    diverifikasi_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="diverifikasi oleh",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    diverifikasi_pada = models.DateTimeField("diverifikasi pada", null=True, blank=True)
    dibuat_pada = models.DateTimeField("dicatat pada", auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def verified(self) -> bool:
        return self.diverifikasi_oleh_id is not None and self.diverifikasi_pada is not None


class Nda(SignedStatement):
    """Surat Pernyataan Menjaga Kerahasiaan Informasi (FR.01-SOP-08) of one operator."""

    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="operator", on_delete=models.PROTECT, related_name="nda_set"
    )

    class Meta:
        verbose_name = "NDA operator"
        verbose_name_plural = "NDA operator"
        ordering = ["-tanggal_tanda_tangan"]

    def __str__(self) -> str:
        return f"NDA {self.operator} ({self.tanggal_tanda_tangan:%d-%m-%Y})"


class Sptjm(SignedStatement):
    """Surat Pernyataan Tanggung Jawab Mutlak of the head who holds the office."""

    kepala_dinas = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="kepala dinas", on_delete=models.PROTECT, related_name="sptjm_set"
    )

    class Meta:
        verbose_name = "SPTJM kepala dinas"
        verbose_name_plural = "SPTJM kepala dinas"
        ordering = ["-tanggal_tanda_tangan"]

    def __str__(self) -> str:
        return f"SPTJM {self.kepala_dinas} ({self.tanggal_tanda_tangan:%d-%m-%Y})"


class StatusPerjanjian(models.TextChoices):
    AKTIF = "aktif", "Aktif"
    PERPANJANGAN = "perpanjangan", "Perpanjangan diajukan"
    BERAKHIR = "berakhir", "Berakhir"
    DICABUT = "dicabut", "Dicabut"


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` earlier, clamped to the month's length."""
    year, month0 = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


class Perjanjian(models.Model):
    """The PKS with Disdukcapil and its Juknis; the newest row is the one in force."""

    nomor_pihak_kesatu = models.CharField("nomor PKS pihak kesatu", max_length=60)
    nomor_pihak_kedua = models.CharField("nomor PKS pihak kedua", max_length=60)
    nomor_juknis = models.CharField("nomor petunjuk teknis", max_length=60, blank=True)
    pihak_kesatu = models.CharField("pihak kesatu", max_length=200)
    pihak_kedua = models.CharField("pihak kedua", max_length=200)
    tanggal_tanda_tangan = models.DateField("tanggal tanda tangan")
    tanggal_berakhir = models.DateField("tanggal berakhir")
    status = models.CharField("status", max_length=20, choices=StatusPerjanjian.choices, default=StatusPerjanjian.AKTIF)
    tanggal_permohonan_perpanjangan = models.DateField("tanggal surat permohonan perpanjangan", null=True, blank=True)
    nomor_surat_hasil_poc = models.CharField("nomor surat hasil PoC", max_length=80, blank=True)
    tanggal_surat_hasil_poc = models.DateField("tanggal surat hasil PoC", null=True, blank=True)
    diubah_pada = models.DateTimeField("diubah pada", auto_now=True)

    class Meta:
        verbose_name = "perjanjian kerja sama"
        verbose_name_plural = "perjanjian kerja sama"
        ordering = ["-tanggal_tanda_tangan", "-pk"]

    def __str__(self) -> str:
        return f"PKS {self.nomor_pihak_kesatu} / {self.nomor_pihak_kedua}"

    @property
    def poc_passed(self) -> bool:
        return bool(self.nomor_surat_hasil_poc and self.tanggal_surat_hasil_poc)

    def extension_due(self) -> dt.date:
        """Juknis VI.F: the extension request is due two months before the end."""
        return months_before(self.tanggal_berakhir, 2)

    def extension_reminder(self, *, today: dt.date | None = None) -> str | None:
        """From four months before the end: the extension request is due two months before it."""
        today = today or timezone.localdate()
        if self.status != StatusPerjanjian.AKTIF or today < months_before(self.tanggal_berakhir, 4):
            return None
        return (
            f"Perjanjian kerja sama berakhir {self.tanggal_berakhir:%d-%m-%Y}. Surat permohonan perpanjangan "
            f"kepada Dirjen Dukcapil wajib diajukan paling lambat {self.extension_due():%d-%m-%Y} (Juknis VI.F)."
        )

    def refusal_reason(self, *, today: dt.date | None = None) -> str | None:
        """Why a Dukcapil action is refused under this agreement now, or None (Pasal 4, 5, 9)."""
        today = today or timezone.localdate()
        if self.status == StatusPerjanjian.DICABUT:
            return "Perjanjian kerja sama dengan Disdukcapil telah dicabut; akses data kependudukan ditutup."
        if self.status == StatusPerjanjian.BERAKHIR:
            return "Perjanjian kerja sama dengan Disdukcapil telah berakhir; akses data kependudukan ditutup."
        if today > self.tanggal_berakhir and (self.status != StatusPerjanjian.PERPANJANGAN
                                               or self.tanggal_permohonan_perpanjangan is None):
            return (
                f"Perjanjian kerja sama berakhir pada {self.tanggal_berakhir:%d-%m-%Y} dan belum ada "
                "permohonan perpanjangan yang tercatat (status dan tanggal suratnya)."
            )
        return None

    def clean(self) -> None:
        """An extension counts only with its request letter's date on record (Juknis VI.F, VI.G)."""
        requested = self.tanggal_permohonan_perpanjangan
        if self.status == StatusPerjanjian.PERPANJANGAN and requested is None:
            raise ValidationError({"tanggal_permohonan_perpanjangan": (
                "Status 'Perpanjangan diajukan' memerlukan tanggal surat permohonan perpanjangan.")})
        if requested is not None and requested > timezone.localdate():
            raise ValidationError({"tanggal_permohonan_perpanjangan": "Tanggal surat tidak boleh di masa depan."})


class Adendum(models.Model):
    perjanjian = models.ForeignKey(Perjanjian, on_delete=models.CASCADE, related_name="adendum_set")
    nomor = models.CharField("nomor adendum", max_length=80)
    tanggal = models.DateField("tanggal")
    perihal = models.TextField("perihal")

    class Meta:
        verbose_name = "adendum"
        verbose_name_plural = "adendum"
        ordering = ["tanggal"]

    def __str__(self) -> str:
        return self.nomor


class PenanggungJawabUserId(models.Model):
    """Who answers for the institution's Dukcapil User ID (Juknis II.A.2), and its changes.

    The User ID and password themselves stay in the environment; this is the history
    of its holder of responsibility: the kepala dinas in office. The newest row is current.
    """

    perjanjian = models.ForeignKey(Perjanjian, on_delete=models.CASCADE, related_name="penanggung_jawab_set")
    kepala_dinas = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="kepala dinas", on_delete=models.PROTECT, related_name="+"
    )
    mulai = models.DateField("menjabat sejak")
    nomor_surat_permohonan = models.CharField("nomor surat permohonan perubahan", max_length=80, blank=True)
    nomor_bast = models.CharField("nomor BAST User ID", max_length=80, blank=True)
    tanggal_bast = models.DateField("tanggal BAST", null=True, blank=True)
    catatan = models.TextField("catatan", blank=True)

    class Meta:
        verbose_name = "penanggung jawab User ID"
        verbose_name_plural = "riwayat penanggung jawab User ID"
        ordering = ["-mulai", "-pk"]

    def __str__(self) -> str:
        return f"{self.kepala_dinas} sejak {self.mulai:%d-%m-%Y}"


class DukcapilStop(models.Model):
    """All Dukcapil lookups stopped for everyone: credentials or institution refused.

    Raised by verifikasi when Dukcapil answers 03, 04/10, 16 or 17; cleared by the admin.
    """

    alasan = models.CharField("alasan", max_length=255)
    kode = models.CharField("kode jawaban", max_length=4, blank=True)
    dibuat_pada = models.DateTimeField("sejak", auto_now_add=True)
    dicabut_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dicabut_pada = models.DateTimeField("dicabut pada", null=True, blank=True)

    class Meta:
        verbose_name = "penghentian akses Dukcapil"
        verbose_name_plural = "penghentian akses Dukcapil"
        ordering = ["-dibuat_pada"]

    def __str__(self) -> str:
        return self.alasan
