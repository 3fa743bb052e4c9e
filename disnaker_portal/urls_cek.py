"""The URLs of a public check host (ROOT_URLCONF=disnaker_portal.urls_cek): the AK/1 check page and
the health check, nothing else (README: "Kartu AK/1")."""

from django.urls import include, path

from .health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("ak1/cek/<str:token>/", include("layanan.urls_cek")),
]
