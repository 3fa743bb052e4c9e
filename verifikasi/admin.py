"""The admin's audit view (read-only, CSV export), quota alerts and the access mode switch."""

from __future__ import annotations

import csv

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from akun.http import client_ip
from akun.readonly import ReadOnlyAdminMixin

from .audit import audit_append
from .elements import Outcome
from .models import AuditEntry, Kind, Mode, ModeAkses, QuotaAlert
from .selectors import poc_warning

CSV_COLUMNS = ("seq", "waktu", "operator_username", "client_ip", "permohonan_ref", "jenis", "mode", "outcome",
               "nik_masked", "nik_hmac", "kecocokan", "alasan", "prev_hash", "row_hash")


def _cell(value: object) -> str:
    """A spreadsheet never runs a cell as a formula (officers' reasons are free text)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("seq", "waktu", "operator_username", "permohonan_ref", "jenis", "mode", "hasil", "nik_masked")
    list_filter = ("jenis", ("operator", admin.RelatedOnlyFieldListFilter), "mode", "outcome", "waktu")
    search_fields = ("operator_username", "permohonan_ref", "nik_masked")
    date_hierarchy = "waktu"
    actions = ["export_csv"]

    @admin.display(description="kategori hasil", ordering="outcome")
    def hasil(self, entry: AuditEntry) -> str:
        if not entry.outcome:
            return "-"
        try:
            return f"{entry.outcome} · {Outcome(entry.outcome).label}"
        except ValueError:
            return entry.outcome

    @admin.action(description="Ekspor CSV untuk evaluasi Dukcapil (PKS Pasal 8 ayat 3)")
    def export_csv(self, request: HttpRequest, queryset: QuerySet[AuditEntry]) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="jejak-audit-{timezone.localdate():%Y%m%d}.csv"'
        writer = csv.writer(response)
        writer.writerow(CSV_COLUMNS)
        for entry in queryset.order_by("seq"):
            writer.writerow([_cell(getattr(entry, c)) for c in CSV_COLUMNS])
        return response


@admin.register(QuotaAlert)
class QuotaAlertAdmin(admin.ModelAdmin):
    list_display = ("__str__", "dibuat_pada")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ModeAkses)
class ModeAksesAdmin(admin.ModelAdmin):
    list_display = ("mode", "diubah_oleh", "diubah_pada")
    readonly_fields = ("diubah_oleh", "diubah_pada")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not ModeAkses.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ModeAkses, form: object, change: bool) -> None:
        obj.diubah_oleh = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)  # type: ignore[arg-type]
        warning = poc_warning()
        audit_append(operator_id=request.user.pk, operator_username=request.user.get_username(),
                     client_ip=client_ip(request), permohonan_ref="-", kind=Kind.ADMIN,
                     mode=Mode(obj.mode), alasan=f"Mode akses diubah menjadi: {obj.get_mode_display()}"
                     + (" (sebelum surat hasil PoC dicatat)" if warning else ""))
        if warning:
            self.message_user(request, warning, messages.WARNING)
