"""Seed the agreement from the seed document (numbers, parties, dates); no personal data."""

import datetime as dt

from django.db import migrations


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    Perjanjian = apps.get_model("akun", "Perjanjian")
    if Perjanjian.objects.exists():
        return
    Perjanjian.objects.create(
        nomor_pihak_kesatu="400.12/2430/2025",
        nomor_pihak_kedua="500.15/1564/2025",
        nomor_juknis="400.12/2439/2025",
        pihak_kesatu="Dinas Kependudukan dan Pencatatan Sipil Kabupaten Purbalingga",
        pihak_kedua="Dinas Tenaga Kerja Kabupaten Purbalingga",
        tanggal_tanda_tangan=dt.date(2025, 9, 16),
        tanggal_berakhir=dt.date(2027, 9, 16),
        status="aktif",
    )


class Migration(migrations.Migration):
    dependencies = [("akun", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
