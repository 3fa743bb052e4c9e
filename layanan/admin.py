"""The admin keeps the document checklist, the approval rules and the training catalogue, and sees
registrations and placements."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from akun.readonly import ReadOnlyAdminMixin

from .models import AngkatanPelatihan, AturanPersetujuan, DokumenSyarat, JenisPelatihan, Penempatan, PesertaPelatihan


@admin.register(DokumenSyarat)
class DokumenSyaratAdmin(admin.ModelAdmin):
    list_display = ("nama", "jenis", "wajib", "urutan", "aktif")
    list_filter = ("jenis", "wajib", "aktif")
    list_editable = ("wajib", "urutan", "aktif")


@admin.register(AturanPersetujuan)
class AturanPersetujuanAdmin(admin.ModelAdmin):
    list_display = ("__str__", "wajib_tempat_lahir", "wajib_status_perkawinan", "wajib_jenis_pekerjaan", "wajib_alamat")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not AturanPersetujuan.objects.exists()  # one row

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class AngkatanInline(admin.TabularInline):
    model = AngkatanPelatihan
    extra = 0
    fields = ("nama", "tanggal_mulai", "tanggal_selesai", "tempat", "kuota", "aktif")


@admin.register(JenisPelatihan)
class JenisPelatihanAdmin(admin.ModelAdmin):
    list_display = ("nama", "aktif")
    list_filter = ("aktif",)
    search_fields = ("nama",)
    inlines = [AngkatanInline]


@admin.register(AngkatanPelatihan)
class AngkatanPelatihanAdmin(admin.ModelAdmin):
    list_display = ("__str__", "tanggal_mulai", "tanggal_selesai", "tempat", "kuota", "terisi", "aktif")
    list_filter = ("aktif", "jenis")
    search_fields = ("nama", "jenis__nama", "tempat")
    date_hierarchy = "tanggal_mulai"
    list_select_related = ("jenis",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[AngkatanPelatihan]:
        return super().get_queryset(request).annotate(n_peserta=Count("peserta"))

    @admin.display(description="peserta terdaftar", ordering="n_peserta")
    def terisi(self, obj: AngkatanPelatihan) -> int:
        return int(getattr(obj, "n_peserta", 0))


@admin.register(PesertaPelatihan)
class PesertaPelatihanAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Registrations and certificates are recorded at the counter (with their return data), only seen here."""

    list_display = ("permohonan", "angkatan", "didaftarkan_pada", "nomor_sertifikat", "tanggal_sertifikat")
    list_filter = ("angkatan__jenis", "angkatan")
    search_fields = ("permohonan__nomor", "nomor_sertifikat")
    list_select_related = ("permohonan", "angkatan__jenis")


@admin.register(Penempatan)
class PenempatanAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Placements are recorded at the counter (with their return data), only seen here."""

    list_display = ("pemohon", "jabatan", "pemberi_kerja", "kota", "negara", "luar_negeri", "tanggal_mulai")
    list_filter = ("luar_negeri", "negara")
    search_fields = ("pemberi_kerja", "jabatan", "pemohon__nama_lengkap")
    date_hierarchy = "tanggal_mulai"
    list_select_related = ("pemohon",)
