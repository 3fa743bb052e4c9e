"""Service requests at the counter: every NIK lookup belongs to one (Juknis II.E.1)."""

from __future__ import annotations

from django.conf import settings
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

    def extra_required(self) -> tuple[str, ...]:
        fields = ("tempat_lahir", "status_perkawinan", "jenis_pekerjaan", "alamat")
        return tuple(f for f in fields if getattr(self, f"wajib_{f}"))
