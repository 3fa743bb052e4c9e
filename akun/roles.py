"""The three roles as groups with permissions; views check permissions, not names."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission

PETUGAS_LOKET = "Petugas Loket"
ADMIN = "Admin"
KEPALA_DINAS = "Kepala Dinas"
# An officer holding the Pengantar Kerja function may sign AK/1 cards (layanan adds the permission).
PENGANTAR_KERJA = "Pengantar Kerja"

ROLE_PERMISSIONS: dict[str, list[str]] = {
    PETUGAS_LOKET: ["akun.akses_loket", "akun.akses_dukcapil"],
    ADMIN: [
        "akun.kelola_portal",
        "akun.view_user", "akun.add_user", "akun.change_user",
        "akun.view_nda", "akun.add_nda", "akun.change_nda",
        "akun.view_sptjm", "akun.add_sptjm", "akun.change_sptjm",
        "akun.view_perjanjian", "akun.change_perjanjian",
        "akun.view_adendum", "akun.add_adendum", "akun.change_adendum",
        "akun.view_penanggungjawabuserid", "akun.add_penanggungjawabuserid",
        "akun.view_dukcapilstop", "akun.change_dukcapilstop",
        "axes.view_accessattempt", "axes.delete_accessattempt",
        "axes.view_accesslog",
    ],
    KEPALA_DINAS: ["akun.unduh_laporan"],
    PENGANTAR_KERJA: [],
}


def extra_role_permissions(role: str, codenames: list[str]) -> None:
    """Let a later app add its own permissions to a role (e.g. verifikasi's audit view)."""
    ROLE_PERMISSIONS.setdefault(role, []).extend(c for c in codenames if c not in ROLE_PERMISSIONS[role])


def ensure_roles(**_: Any) -> None:
    """Create or update the role groups (post_migrate); idempotent."""
    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        perms = []
        for name in names:
            app_label, codename = name.split(".")
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is not None:
                perms.append(perm)
        group.permissions.set(perms)
