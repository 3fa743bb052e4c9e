"""Service requests at the counter: every NIK lookup belongs to one (Juknis II.E.1)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import models

from verifikasi.services import Claim


class Jenis(models.TextChoices):
    AK1 = "ak1", "Kartu AK/1 (pencari kerja)"
    PELATIHAN = "pelatihan", "Pendaftaran pelatihan kerja"


class Status(models.TextChoices):
    """The states of Lampiran II's flow (see `layanan.workflow` for the transitions between them)."""

    DIAJUKAN = "diajukan", "Diajukan, dokumen belum lengkap"
    PEMERIKSAAN = "pemeriksaan", "Pemeriksaan dokumen dan NIK"
    DIKEMBALIKAN = "dikembalikan", "Dikembalikan untuk perbaikan"
    DISETUJUI = "disetujui", "Disetujui, dokumen siap diterbitkan"
    DITERBITKAN = "diterbitkan", "Dokumen diterbitkan, menunggu diserahkan"
    SELESAI = "selesai", "Selesai"


class Identitas(models.TextChoices):
    """What the applicant showed: either is served, wherever it was issued (PKS Pasal 2(2)e)."""

    KTP_EL = "ktp_el", "KTP-el"
    IKD = "ikd", "Identitas Kependudukan Digital (IKD)"


class DokumenSyarat(models.Model):
    """One document the applicant hands over for a kind of service (the admin keeps the list)."""

    jenis = models.CharField(max_length=12, choices=Jenis.choices)
    nama = models.CharField(max_length=200)
    wajib = models.BooleanField(default=True)
    urutan = models.PositiveSmallIntegerField(default=0)
    aktif = models.BooleanField(default=True)

    class Meta:
        verbose_name = "dokumen persyaratan"
        verbose_name_plural = "dokumen persyaratan"
        ordering = ["jenis", "urutan", "pk"]

    def __str__(self) -> str:
        return f"{self.get_jenis_display()}: {self.nama}{'' if self.wajib else ' (tidak wajib)'}"


class Pemohon(models.Model):
    """The applicant as written on the application and the documents handed over: Disnaker's own data.

    Kept only after the applicant's consent (`Persetujuan`); never filled from a Dukcapil answer.
    """

    nik = models.CharField("NIK", max_length=16)
    nik_hmac = models.CharField(max_length=64, db_index=True, editable=False)
    nama_lengkap = models.CharField("nama lengkap", max_length=150)
    tempat_lahir = models.CharField("tempat lahir", max_length=100, blank=True)
    tanggal_lahir = models.DateField("tanggal lahir", null=True, blank=True)
    jenis_kelamin = models.CharField("jenis kelamin", max_length=12, blank=True)
    status_perkawinan = models.CharField("status perkawinan", max_length=16, blank=True)
    agama = models.CharField(max_length=30, blank=True)
    alamat = models.CharField(max_length=300, blank=True)
    pendidikan = models.CharField("pendidikan terakhir", max_length=100, blank=True)
    keterampilan = models.TextField(blank=True)
    pengalaman = models.TextField("pengalaman kerja", blank=True)
    dicatat_oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    dicatat_pada = models.DateTimeField(auto_now_add=True)
    diubah_pada = models.DateTimeField(auto_now=True)
    diubah_oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    null=True, blank=True)
    # Set by `pemohon_retensi` when the record is kept only as an empty shell (its requests remain).
    dianonimkan_pada = models.DateTimeField("dianonimkan pada", null=True, blank=True)

    class Meta:
        verbose_name = "pemohon"
        verbose_name_plural = "pemohon"
        indexes = [models.Index(fields=["nama_lengkap"], name="pemohon_nama")]

    def __str__(self) -> str:
        return f"{self.nama_lengkap} ({self.nik[:4]}********{self.nik[12:]})"


class Persetujuan(models.Model):
    """The applicant's consent to keep their data (UU 27/2022): one record serves every source of it."""

    pemohon = models.ForeignKey(Pemohon, on_delete=models.CASCADE, related_name="persetujuan")
    teks = models.TextField("teks yang ditunjukkan kepada pemohon")
    dicatat_oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    dicatat_pada = models.DateTimeField(auto_now_add=True)
    ditarik_pada = models.DateTimeField("ditarik pada", null=True, blank=True)

    class Meta:
        verbose_name = "persetujuan pemohon"
        verbose_name_plural = "persetujuan pemohon"
        ordering = ["-dicatat_pada"]

    def __str__(self) -> str:
        return f"Persetujuan {self.pemohon} ({'ditarik' if self.ditarik_pada else 'berlaku'})"


class Permohonan(models.Model):
    nomor = models.CharField(max_length=40, unique=True)
    jenis = models.CharField(max_length=12, choices=Jenis.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DIAJUKAN)
    identitas = models.CharField("identitas yang ditunjukkan", max_length=8, choices=Identitas.choices,
                                 default=Identitas.KTP_EL)
    pemohon = models.ForeignKey(Pemohon, on_delete=models.PROTECT, null=True, blank=True, related_name="permohonan")
    dokumen = models.ManyToManyField(DokumenSyarat, blank=True, related_name="+",
                                     verbose_name="dokumen yang diserahkan")
    diubah_pada = models.DateTimeField(auto_now=True)
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
        indexes = [
            models.Index(fields=["status", "dibuka_pada"], name="permohonan_status_umur"),
            # The officer's day: open requests oldest first, read 25 at a time from this index alone.
            models.Index(fields=["dibuka_pada", "id"], name="permohonan_terbuka_umur",
                         condition=models.Q(status__in=["diajukan", "dikembalikan", "disetujui", "pemeriksaan"])),
            # The local search by NIK (the keyed hash, never the NIK).
            models.Index(fields=["nik_hmac"], name="permohonan_nik_hmac"),
        ]

    def __str__(self) -> str:
        return f"{self.nomor} ({self.get_jenis_display()})"

    def applicant_claim(self, *, nik_hmac: str) -> Claim:
        """Bind this request to the applicant whose NIK hashes to `nik_hmac`, unless it has another.

        Called by verifikasi inside the guard's lock; reads the binding as committed (a corrected
        NIK may have replaced what this instance loaded).
        """
        if not self.nik_hmac and Permohonan.objects.filter(pk=self.pk, nik_hmac="").update(nik_hmac=nik_hmac):
            self.nik_hmac = nik_hmac
            return Claim.FRESH
        self.nik_hmac = Permohonan.objects.values_list("nik_hmac", flat=True).get(pk=self.pk)
        if not self.nik_hmac:  # released since this instance was loaded
            return self.applicant_claim(nik_hmac=nik_hmac)
        return Claim.HELD if self.nik_hmac == nik_hmac else Claim.OTHER

    def applicant_replace(self, *, old: str, new: str) -> bool:
        """A corrected NIK takes the request over from `old` (verifikasi allows it only after `old`
        was not found or badly formatted, with the officer's reason audited)."""
        replaced = bool(Permohonan.objects.filter(pk=self.pk, nik_hmac=old).update(nik_hmac=new))
        if replaced:
            self.nik_hmac = new
        return replaced

    def applicant_release(self, *, nik_hmac: str) -> None:
        """Undo a fresh claim whose lookup was refused (same transaction, same lock)."""
        Permohonan.objects.filter(pk=self.pk, nik_hmac=nik_hmac).update(nik_hmac="")
        self.nik_hmac = ""



class Langkah(models.Model):
    """One transition of a service request: who, when, from which state to which, and why."""

    permohonan = models.ForeignKey(Permohonan, on_delete=models.CASCADE, related_name="langkah")
    transisi = models.CharField(max_length=24)
    dari = models.CharField(max_length=12, choices=Status.choices, blank=True)
    ke = models.CharField(max_length=12, choices=Status.choices)
    oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    pada = models.DateTimeField(auto_now_add=True)
    catatan = models.TextField(blank=True)

    class Meta:
        verbose_name = "langkah permohonan"
        verbose_name_plural = "langkah permohonan"
        ordering = ["pada", "pk"]

    def __str__(self) -> str:
        return f"{self.permohonan.nomor}: {self.get_dari_display() or '-'} -> {self.get_ke_display()}"



class AturanPersetujuan(models.Model):
    """Singleton: the elements that must be Sesuai before approval, beyond NIK, name, birth date and sex."""

    wajib_tempat_lahir = models.BooleanField("tempat lahir wajib Sesuai", default=False)
    wajib_status_perkawinan = models.BooleanField("status perkawinan wajib Sesuai", default=False)
    wajib_jenis_pekerjaan = models.BooleanField("jenis pekerjaan wajib Sesuai", default=False)
    wajib_alamat = models.BooleanField("alamat wajib Sesuai", default=False)

    class Meta:
        verbose_name = "aturan persetujuan"
        verbose_name_plural = "aturan persetujuan"

    def __str__(self) -> str:
        return "Elemen yang wajib Sesuai sebelum persetujuan"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        cache.delete(APPROVAL_RULES_CACHE_KEY)  # every process reads the change on its next decision

    def extra_required(self) -> tuple[str, ...]:
        fields = ("tempat_lahir", "status_perkawinan", "jenis_pekerjaan", "alamat")
        return tuple(f for f in fields if getattr(self, f"wajib_{f}"))


APPROVAL_RULES_CACHE_KEY = "layanan:aturan-persetujuan"


def approval_extra_required() -> tuple[str, ...]:
    """The admin's extra required elements, read through the cache: the decision runs on every
    lookup's page and the rules change seldom (a save clears the entry; at most 5 minutes stale
    where the cache is per process)."""
    cached = cache.get(APPROVAL_RULES_CACHE_KEY)
    if cached is None:
        rules = AturanPersetujuan.objects.first()
        cached = list(rules.extra_required()) if rules else []
        cache.set(APPROVAL_RULES_CACHE_KEY, cached, 300)
    return tuple(cached)


class JenisPelatihan(models.Model):
    """A kind of job training the office runs (the admin keeps the catalogue)."""

    nama = models.CharField(max_length=150, unique=True)
    deskripsi = models.TextField(blank=True)
    aktif = models.BooleanField(default=True)

    class Meta:
        verbose_name = "jenis pelatihan"
        verbose_name_plural = "jenis pelatihan"
        ordering = ["nama"]

    def __str__(self) -> str:
        return self.nama


class AngkatanPelatihan(models.Model):
    """One batch of a training: its dates, place and the seats it has (`kuota`)."""

    jenis = models.ForeignKey(JenisPelatihan, on_delete=models.PROTECT, related_name="angkatan",
                              verbose_name="jenis pelatihan")
    nama = models.CharField("nama/nomor angkatan", max_length=100)
    tanggal_mulai = models.DateField("tanggal mulai")
    tanggal_selesai = models.DateField("tanggal selesai")
    tempat = models.CharField(max_length=200)
    kuota = models.PositiveIntegerField("kuota peserta")
    aktif = models.BooleanField(default=True)

    class Meta:
        verbose_name = "angkatan pelatihan"
        verbose_name_plural = "angkatan pelatihan"
        ordering = ["-tanggal_mulai", "pk"]
        constraints = [models.UniqueConstraint(fields=["jenis", "nama"], name="angkatan_pelatihan_unik")]

    def __str__(self) -> str:
        return f"{self.jenis.nama}, angkatan {self.nama}"


class PesertaPelatihan(models.Model):
    """A training request's registration in a batch; the certificate is recorded on completion."""

    permohonan = models.OneToOneField(Permohonan, on_delete=models.PROTECT, related_name="peserta_pelatihan")
    angkatan = models.ForeignKey(AngkatanPelatihan, on_delete=models.PROTECT, related_name="peserta")
    didaftarkan_oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    didaftarkan_pada = models.DateTimeField("didaftarkan pada", auto_now_add=True)
    nomor_sertifikat = models.CharField("nomor sertifikat", max_length=100, blank=True)
    tanggal_sertifikat = models.DateField("tanggal sertifikat", null=True, blank=True)
    selesai_pada = models.DateTimeField("sertifikat dicatat pada", null=True, blank=True)

    class Meta:
        verbose_name = "peserta pelatihan"
        verbose_name_plural = "peserta pelatihan"
        ordering = ["didaftarkan_pada", "pk"]

    def __str__(self) -> str:
        return f"{self.permohonan.nomor} di {self.angkatan}"


class Penempatan(models.Model):
    """A registered job seeker's placement (penempatan kerja), in Indonesia or abroad."""

    pemohon = models.ForeignKey(Pemohon, on_delete=models.PROTECT, related_name="penempatan")
    permohonan = models.ForeignKey(Permohonan, on_delete=models.PROTECT, related_name="penempatan",
                                   verbose_name="permohonan AK/1")
    pemberi_kerja = models.CharField("pemberi kerja", max_length=200)
    jabatan = models.CharField(max_length=150)
    luar_negeri = models.BooleanField("di luar negeri", default=False)
    negara = models.CharField(max_length=100, default="Indonesia")
    kota = models.CharField("kota/kabupaten", max_length=100)
    tanggal_mulai = models.DateField("mulai bekerja")
    dicatat_oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    dicatat_pada = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "penempatan kerja"
        verbose_name_plural = "penempatan kerja"
        ordering = ["-dicatat_pada", "pk"]

    def __str__(self) -> str:
        return f"{self.jabatan} di {self.pemberi_kerja} ({self.pemohon.nama_lengkap})"

    @property
    def place(self) -> str:
        return f"{self.kota}, {self.negara}" if self.luar_negeri else self.kota


class NomorUrut(models.Model):
    """A running counter (one row per key): taken by a conditional UPDATE inside the issuing transaction,
    so that two officers issuing at the same moment never get the same number."""

    kunci = models.CharField(max_length=20, unique=True)
    nilai = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "nomor urut"
        verbose_name_plural = "nomor urut"

    def __str__(self) -> str:
        return f"{self.kunci}: {self.nilai}"


class KartuAk1(models.Model):
    """The AK/1 job-seeker card issued for one request (Permenaker 39/2016): valid two years."""

    nomor = models.CharField("nomor pendaftaran", max_length=60, unique=True)
    dari_siapkerja = models.BooleanField("nomor dari SIAPkerja", default=False)
    permohonan = models.OneToOneField(Permohonan, on_delete=models.PROTECT, related_name="kartu_ak1")
    diterbitkan_pada = models.DateTimeField("diterbitkan pada")
    berlaku_sampai = models.DateField("berlaku sampai")
    penandatangan = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                      verbose_name="pengantar kerja penanda tangan")
    # The random half of the QR check page's signed token: never the sequential id.
    kode_cek = models.CharField(max_length=32, unique=True, editable=False)

    class Meta:
        verbose_name = "kartu AK/1"
        verbose_name_plural = "kartu AK/1"
        ordering = ["-diterbitkan_pada"]
        permissions = [("tanda_tangan_ak1", "Pengantar Kerja: menandatangani kartu AK/1")]

    def __str__(self) -> str:
        return f"AK/1 {self.nomor}"


class LaporDiri(models.Model):
    """One six-monthly report-in of a card holder (four in the card's two years)."""

    kartu = models.ForeignKey(KartuAk1, on_delete=models.CASCADE, related_name="lapor_diri")
    ke = models.PositiveSmallIntegerField("laporan ke-")
    dilaporkan_pada = models.DateField("dilaporkan pada")
    dicatat_oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    catatan = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "lapor diri"
        verbose_name_plural = "lapor diri"
        ordering = ["kartu", "ke"]
        constraints = [models.UniqueConstraint(fields=["kartu", "ke"], name="lapor_diri_sekali")]

    def __str__(self) -> str:
        return f"{self.kartu.nomor}: lapor diri ke-{self.ke}"
