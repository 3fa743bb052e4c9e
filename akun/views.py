"""Login, the second-factor steps, the start page of each role, the scan download."""

from __future__ import annotations

import base64

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import permission_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token

from .forms import LoginForm, TokenForm
from .gate import active_stop, current_agreement, current_head, dukcapil_gate
from .http import signed_in_user
from .models import Nda, Sptjm, User
from .otp import has_confirmed_device, qr_svg, totp_device_confirm, totp_device_pending


class LoginView(auth_views.LoginView):
    template_name = "akun/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = False



def _safe_next(request: HttpRequest) -> str:
    """Only a path on this portal: never another host, never a view name."""
    target = request.GET.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("akun:home")


def _token_form_failed(message: str) -> TokenForm:
    """An empty field with the error: a rejected code left in the box gets typed after."""
    form = TokenForm()
    form.errors["token"] = form.error_class([message])
    return form


@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not has_confirmed_device(user=user):
        return redirect("akun:otp_daftar")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_safe_next(request))
        form = _token_form_failed("Kode tidak cocok atau sudah dipakai. Coba kode yang baru muncul.")
    return render(request, "akun/otp.html", {"form": form})


@require_http_methods(["GET", "POST"])
def otp_enrol(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if has_confirmed_device(user=user):
        return redirect("akun:otp")
    device = totp_device_pending(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            codes = totp_device_confirm(user=user, device=device)
            otp_login(request, device)
            return render(request, "akun/kode_cadangan.html", {"codes": codes})
        form = _token_form_failed("Kode tidak cocok. Pastikan jam di telepon Anda tepat, lalu coba lagi.")
    secret = base64.b32encode(device.bin_key).decode()
    context = {"form": form, "qr": qr_svg(device.config_url), "secret": secret}
    response = render(request, "akun/otp_daftar.html", context)
    response["Cache-Control"] = "no-store"
    return response


def home(request: HttpRequest) -> HttpResponse:
    """Send each person to the start page of their role."""
    user = signed_in_user(request)
    if user.has_perm("akun.akses_loket"):
        return redirect("akun:loket")
    if user.has_perm("akun.kelola_portal"):
        return redirect("akun:pengelola")
    if user.has_perm("akun.unduh_laporan"):
        return redirect("akun:kepala")
    return render(request, "akun/tanpa_peran.html", status=403)


def _agreement_context() -> dict[str, object]:
    agreement = current_agreement()
    reminder = agreement.extension_reminder() if agreement else None
    return {"perjanjian": agreement, "penanggung_jawab": current_head(), "pengingat": reminder}


@permission_required("akun.akses_loket", raise_exception=True)
def loket(request: HttpRequest) -> HttpResponse:
    gate = dukcapil_gate(user=signed_in_user(request))
    return render(request, "akun/loket.html", {"gate": gate, **_agreement_context()})


@permission_required("akun.kelola_portal", raise_exception=True)
def pengelola(request: HttpRequest) -> HttpResponse:
    context = {
        "penghentian": active_stop(),  # every lookup stopped until the admin clears it
        "nda_pending": Nda.objects.filter(diverifikasi_pada__isnull=True).select_related("operator"),
        "operator_tanpa_nda": User.objects.filter(is_active=True, groups__name="Petugas Loket")
        .exclude(nda_set__diverifikasi_pada__isnull=False)
        .distinct(),
        **_agreement_context(),
    }
    return render(request, "akun/pengelola.html", context)


@permission_required("akun.unduh_laporan", raise_exception=True)
def kepala(request: HttpRequest) -> HttpResponse:
    return render(request, "akun/kepala.html", _agreement_context())


def _scan_response(berkas_name: str, label: str) -> FileResponse:
    from .models import private_storage

    storage = private_storage()
    if not berkas_name or not storage.exists(berkas_name):
        raise Http404("Berkas tidak ditemukan.")
    response = FileResponse(storage.open(berkas_name, "rb"), content_type="application/pdf",
                            as_attachment=True, filename=f"{label}.pdf")
    response["Cache-Control"] = "no-store"
    return response


@permission_required("akun.view_nda", raise_exception=True)
def nda_berkas(request: HttpRequest, pk: int) -> FileResponse:
    nda = get_object_or_404(Nda, pk=pk)
    return _scan_response(nda.berkas.name, f"NDA-{nda.operator.username}")


@permission_required("akun.view_sptjm", raise_exception=True)
def sptjm_berkas(request: HttpRequest, pk: int) -> FileResponse:
    sptjm = get_object_or_404(Sptjm, pk=pk)
    return _scan_response(sptjm.berkas.name, f"SPTJM-{sptjm.kepala_dinas.username}")


