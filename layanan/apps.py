from django.apps import AppConfig


class LayananConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "layanan"
    verbose_name = "Layanan loket"

    def ready(self) -> None:
        from akun.roles import ADMIN, PENGANTAR_KERJA, extra_role_permissions

        # Only a Pengantar Kerja signs (and so issues) the AK/1 card; the admin gives the role per officer.
        extra_role_permissions(PENGANTAR_KERJA, ["layanan.tanda_tangan_ak1"])

        # The admin keeps the checklist, the approval rules and the training catalogue, and sees what the
        # counter recorded.
        extra_role_permissions(ADMIN, [
            "layanan.view_jenispelatihan", "layanan.add_jenispelatihan", "layanan.change_jenispelatihan",
            "layanan.view_angkatanpelatihan", "layanan.add_angkatanpelatihan", "layanan.change_angkatanpelatihan",
            "layanan.view_pesertapelatihan", "layanan.view_penempatan",
            "layanan.view_dokumensyarat", "layanan.add_dokumensyarat", "layanan.change_dokumensyarat",
            "layanan.view_aturanpersetujuan", "layanan.add_aturanpersetujuan", "layanan.change_aturanpersetujuan",
        ])
