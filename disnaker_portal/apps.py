from django.apps import AppConfig


class DisnakerPortalConfig(AppConfig):
    """The project package as an app, for its management commands (demo_accounts); it has no models."""

    name = "disnaker_portal"
    verbose_name = "Portal Disnaker Purbalingga"
