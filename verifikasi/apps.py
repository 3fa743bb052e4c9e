from django.apps import AppConfig


class VerifikasiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "verifikasi"
    verbose_name = "Verifikasi NIK"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from akun.models import DukcapilStop
        from akun.roles import ADMIN, extra_role_permissions

        from .signals import stop_cleared_audit

        post_save.connect(stop_cleared_audit, sender=DukcapilStop, dispatch_uid="verifikasi.stop_cleared")
        extra_role_permissions(ADMIN, ["verifikasi.view_auditentry", "verifikasi.view_quotaalert",
                                       "verifikasi.view_modeakses", "verifikasi.change_modeakses"])
