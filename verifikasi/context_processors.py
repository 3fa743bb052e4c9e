"""The admin's in-portal alerts: today's quota thresholds crossed, connected mode before the PoC."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .models import QuotaAlert
from .quota import quota_today
from .selectors import poc_warning


def admin_alerts(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_perm("akun.kelola_portal"):
        return {}
    return {"peringatan_kuota": list(QuotaAlert.objects.filter(tanggal=quota_today()).order_by("ambang")),
            "peringatan_poc": SimpleLazyObject(poc_warning)}  # read only on a page that shows it
