from django.contrib import admin
from django.urls import include, path

from .health import healthz

admin.site.site_header = "Portal Disnaker Purbalingga: pengelolaan"
admin.site.site_title = "Pengelolaan portal"
admin.site.index_title = "Pengelolaan operator, NDA, perjanjian dan audit"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("kelola/", admin.site.urls),
    path("layanan/", include("layanan.urls")),
    path("ak1/cek/<str:token>/", include("layanan.urls_cek")),  # public: the AK/1 QR check page only
    path("laporan/", include("laporan.urls")),
    path("", include("akun.urls")),
]
