from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AkunConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "akun"
    verbose_name = "Akun operator dan perjanjian"

    def ready(self) -> None:
        from .roles import ensure_roles

        post_migrate.connect(ensure_roles, dispatch_uid="akun.ensure_roles")
