"""One mixin for admin pages that only show what the portal recorded elsewhere (audit, registrations)."""

from __future__ import annotations

from django.http import HttpRequest


class ReadOnlyAdminMixin:
    """Nothing added, changed or deleted from the admin: the rows are written by their own services."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
