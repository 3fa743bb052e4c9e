"""Who asks, for tests that call verifikasi's services directly: an operator at a service request."""

from __future__ import annotations

from akun.models import User
from layanan.models import Jenis, Permohonan
from verifikasi.services import Asker


def asker_for(user: User, ref: str | None = "P-1", *, client_ip: str | None = "127.0.0.1") -> Asker:
    """`user` serving the service request numbered `ref` (opened on first use); None: no request."""
    if ref is None:
        return Asker(operator=user, client_ip=client_ip, permohonan=None)
    permohonan, _ = Permohonan.objects.get_or_create(nomor=ref, defaults={"jenis": Jenis.AK1, "dibuka_oleh": user})
    return Asker(operator=user, client_ip=client_ip, permohonan=permohonan)
