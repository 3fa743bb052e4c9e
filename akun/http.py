"""What every part's views read off a request: the signed-in operator and the client's address."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .models import User


def signed_in_user(request: HttpRequest) -> User:
    """The operator behind the request; PermissionDenied when nobody is signed in."""
    if not isinstance(request.user, User):
        raise PermissionDenied("Belum masuk.")
    return request.user


def client_ip(request: HttpRequest) -> str | None:
    """The address the audit records (the TCP peer; a proxy in front must pass the real one)."""
    return request.META.get("REMOTE_ADDR")
