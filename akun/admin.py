"""The admin's tools, in Indonesian: operators, NDA/SPTJM, the agreement, the stop switch."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.sessions.models import Session
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from .models import Adendum, DukcapilStop, Nda, PenanggungJawabUserId, Perjanjian, Sptjm, User


def sessions_end(*, user_ids: set[int]) -> int:
    """End every open session of these users at once."""
    ended = 0
    for session in Session.objects.filter(expire_date__gte=timezone.now()):
        if session.get_decoded().get("_auth_user_id") in {str(i) for i in user_ids}:
            session.delete()
            ended += 1
    return ended


@admin.register(User)
class OperatorAdmin(UserAdmin):
    list_display = ("username", "nama_lengkap", "jabatan", "status_kepegawaian", "is_active")
    list_filter = ("is_active", "groups", "status_kepegawaian")
    search_fields = ("username", "nama_lengkap", "jabatan")
    actions = ["deactivate"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            "Data User ID (Juknis II.A.3.a)",
            {
                "fields": (
                    "nik", "nama_lengkap", "nomor_pegawai", "status_kepegawaian", "jabatan",
                    "kode_wilayah_kantor", "nama_kantor", "alamat_kantor", "email",
                )
            },
        ),
        ("Peran dan status", {"fields": ("is_active", "is_staff", "groups", "batas_harian")}),
        ("Riwayat", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "password1", "password2")}),
        (
            "Data User ID (Juknis II.A.3.a)",
            {"fields": ("nik", "nama_lengkap", "nomor_pegawai", "status_kepegawaian", "jabatan",
                        "kode_wilayah_kantor", "nama_kantor", "alamat_kantor", "groups")},
        ),
    )

    @admin.action(description="Nonaktifkan User ID terpilih sekarang (sesi diakhiri)")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        ids = set(queryset.values_list("pk", flat=True))
        queryset.update(is_active=False)
        ended = sessions_end(user_ids=ids)
        self.message_user(request, f"{len(ids)} akun dinonaktifkan; {ended} sesi diakhiri.", messages.SUCCESS)


class StatementAdmin(admin.ModelAdmin):
    # A plain file input: the scan has no public URL to link to; "Unduh PDF" is the way in.
    formfield_overrides = {models.FileField: {"widget": forms.FileInput}}
    readonly_fields = ("diverifikasi_oleh", "diverifikasi_pada", "dibuat_pada", "unduh")
    actions = ["verify"]
    person_field = ""

    @admin.display(description="pindaian")
    def unduh(self, obj: Nda | Sptjm) -> str:
        if not obj.pk or not obj.berkas:
            return "-"
        name = "akun:nda_berkas" if isinstance(obj, Nda) else "akun:sptjm_berkas"
        return format_html('<a href="{}">Unduh PDF</a>', reverse(name, args=[obj.pk]))

    @admin.display(description="terverifikasi", boolean=True)
    def terverifikasi(self, obj: Nda | Sptjm) -> bool:
        return obj.verified

    @admin.action(description="Tandai terverifikasi (dokumen asli bermaterai sudah diperiksa)")
    def verify(self, request: HttpRequest, queryset: QuerySet[Nda] | QuerySet[Sptjm]) -> None:
        count = queryset.filter(diverifikasi_pada__isnull=True).update(
            diverifikasi_oleh=request.user, diverifikasi_pada=timezone.now()
        )
        self.message_user(request, f"{count} pernyataan diverifikasi.", messages.SUCCESS)

    def save_model(self, request: HttpRequest, obj: Nda | Sptjm, form: object, change: bool) -> None:
        if change and "berkas" in getattr(form, "changed_data", []):
            # A new scan needs a new verification.
            obj.diverifikasi_oleh = None
            obj.diverifikasi_pada = None
        super().save_model(request, obj, form, change)  # type: ignore[arg-type]


@admin.register(Nda)
class NdaAdmin(StatementAdmin):
    list_display = ("operator", "tanggal_tanda_tangan", "terverifikasi", "diverifikasi_oleh", "diverifikasi_pada")
    list_filter = ("diverifikasi_pada",)
    fields = ("operator", "tanggal_tanda_tangan", "berkas", "unduh", "diverifikasi_oleh", "diverifikasi_pada")


@admin.register(Sptjm)
class SptjmAdmin(StatementAdmin):
    list_display = ("kepala_dinas", "tanggal_tanda_tangan", "terverifikasi", "diverifikasi_oleh", "diverifikasi_pada")
    fields = ("kepala_dinas", "tanggal_tanda_tangan", "berkas", "unduh", "diverifikasi_oleh", "diverifikasi_pada")


class AdendumInline(admin.TabularInline):
    model = Adendum
    extra = 0


class PenanggungJawabInline(admin.TabularInline):
    model = PenanggungJawabUserId
    extra = 0
    can_delete = False


@admin.register(Perjanjian)
class PerjanjianAdmin(admin.ModelAdmin):
    list_display = ("__str__", "status", "tanggal_tanda_tangan", "tanggal_berakhir")
    inlines = [AdendumInline, PenanggungJawabInline]

    def has_delete_permission(self, request: HttpRequest, obj: Perjanjian | None = None) -> bool:
        return False


@admin.register(DukcapilStop)
class DukcapilStopAdmin(admin.ModelAdmin):
    list_display = ("alasan", "kode", "dibuat_pada", "dicabut_oleh", "dicabut_pada")
    readonly_fields = ("alasan", "kode", "dibuat_pada", "dicabut_oleh", "dicabut_pada")
    actions = ["clear"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: DukcapilStop | None = None) -> bool:
        return False

    @admin.action(description="Cabut penghentian (kredensial sudah diperbaiki)")
    def clear(self, request: HttpRequest, queryset: QuerySet[DukcapilStop]) -> None:
        count = 0
        for stop in queryset.filter(dicabut_pada__isnull=True):
            stop.dicabut_oleh = request.user  # type: ignore[assignment]
            stop.dicabut_pada = timezone.now()
            stop.save(update_fields=["dicabut_oleh", "dicabut_pada"])  # signals: the audit trail records it
            count += 1
        self.message_user(request, f"{count} penghentian dicabut; akses Dukcapil dibuka kembali.", messages.SUCCESS)
