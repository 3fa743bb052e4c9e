from django.apps import AppConfig


class BalikanConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "balikan"
    verbose_name = "Data balikan"
