"""Each service request keeps the keyed hash of its applicant's NIK, back-filled from the audit."""

from django.db import migrations, models


def backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    Permohonan = apps.get_model("layanan", "Permohonan")
    AuditEntry = apps.get_model("verifikasi", "AuditEntry")
    # The first granted request or answer of each service request names its applicant.
    granted = (AuditEntry.objects.filter(jenis__in=("kirim", "lookup", "izin")).exclude(nik_hmac="")
               .order_by("seq").values_list("permohonan_ref", "nik_hmac"))
    first: dict[str, str] = {}
    for ref, digest in granted.iterator():
        first.setdefault(ref, digest)
    for permohonan in Permohonan.objects.filter(nomor__in=list(first)).only("pk", "nomor"):
        Permohonan.objects.filter(pk=permohonan.pk).update(nik_hmac=first[permohonan.nomor])


class Migration(migrations.Migration):
    dependencies = [
        ("layanan", "0001_initial"),
        ("verifikasi", "0005_kind_kirim"),
    ]

    operations = [
        migrations.AddField(
            model_name="permohonan",
            name="nik_hmac",
            field=models.CharField(blank=True, default="", editable=False, max_length=64,
                                   verbose_name="NIK pemohon (hash berkunci)"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
