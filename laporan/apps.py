from django.apps import AppConfig


class LaporanConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "laporan"
    verbose_name = "Laporan semester"
