"""The audit trail also records the admin clearing a credential stop."""

from __future__ import annotations

from typing import Any

from akun.models import DukcapilStop

from .audit import audit_append
from .models import Kind


def stop_cleared_audit(sender: type[DukcapilStop], instance: DukcapilStop, **kwargs: Any) -> None:
    if instance.dicabut_pada is None or instance.dicabut_oleh is None:
        return
    from .selectors import current_mode

    audit_append(operator_id=instance.dicabut_oleh_id, operator_username=instance.dicabut_oleh.get_username(),
                 client_ip=None, permohonan_ref="-", kind=Kind.ADMIN, mode=current_mode(),
                 alasan=f"Penghentian akses Dukcapil dicabut (kode {instance.kode}): {instance.alasan}")
