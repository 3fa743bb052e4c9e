from django.apps import AppConfig


class VerifikasiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "verifikasi"
    verbose_name = "Verifikasi NIK"

    def ready(self) -> None:
        from akun.roles import ADMIN, extra_role_permissions

        extra_role_permissions(ADMIN, ["verifikasi.view_auditentry", "verifikasi.view_quotaalert",
                                       "verifikasi.view_modeakses", "verifikasi.change_modeakses"])
