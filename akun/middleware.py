"""Every page needs a login with a second factor; without it, only the login steps answer."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

OPEN_PREFIXES = ("/healthz", "/static/", "/ak1/cek/")  # the AK/1 QR check page: validity only, no personal data


class RequireSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        login_paths = (reverse("akun:login"), reverse("akun:logout"))
        otp_paths = (reverse("akun:otp"), reverse("akun:otp_daftar"))
        if path.startswith(OPEN_PREFIXES) or path in login_paths:
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated:
            return redirect(f"{reverse('akun:login')}?next={path}")
        if not user.is_verified():  # type: ignore[union-attr,attr-defined]
            if path in otp_paths:
                return _no_store(self.get_response(request))
            return redirect("akun:otp")
        return _no_store(self.get_response(request))


def _no_store(response: HttpResponse) -> HttpResponse:
    """No signed-in page is kept in the browser's cache (Dukcapil values must never be)."""
    response["Cache-Control"] = "no-store"
    return response
