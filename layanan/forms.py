"""The counter's forms: the applicant's record as typed from the application and the documents (never from
Dukcapil's answer), training registration, certificates and placements (Indonesian labels)."""

from __future__ import annotations

from typing import Any

from django import forms

from nik_structure import NIK_PATTERN

from .models import AngkatanPelatihan, Pemohon
from .pemohon import APPLICANT_FIELDS

DATE_FORMATS = ["%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"]


def _date_field(label: str) -> forms.DateField:
    """Typed as the counter types dates (16-09-2026): the keyboard is enough."""
    return forms.DateField(label=f"{label} (mis. 16-09-2026)", input_formats=DATE_FORMATS,
                           widget=forms.DateInput(attrs={"placeholder": "hh-bb-tttt"}, format="%d-%m-%Y"),
                           error_messages={"invalid": "Tanggal tidak dikenali (contoh: 16-09-2026).",
                                           "required": "Isi tanggalnya."})


class BatchChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return (f"{obj} · {obj.tanggal_mulai:%d-%m-%Y} s.d. {obj.tanggal_selesai:%d-%m-%Y} · {obj.tempat} · "
                f"kuota {obj.kuota}")


class RegistrationForm(forms.Form):
    angkatan = BatchChoiceField(
        label="Angkatan pelatihan", empty_label="(pilih angkatan)",
        queryset=AngkatanPelatihan.objects.filter(aktif=True, jenis__aktif=True).select_related("jenis"),
        error_messages={"required": "Pilih angkatan pelatihan.",
                        "invalid_choice": "Angkatan itu tidak dibuka untuk pendaftaran."})


class CertificateForm(forms.Form):
    nomor_sertifikat = forms.CharField(label="Nomor sertifikat", max_length=100,
                                       error_messages={"required": "Isi nomor sertifikat."})
    tanggal_sertifikat = _date_field("Tanggal sertifikat")


class PlacementForm(forms.Form):
    pemberi_kerja = forms.CharField(label="Pemberi kerja", max_length=200,
                                    error_messages={"required": "Isi nama pemberi kerja."})
    jabatan = forms.CharField(label="Jabatan", max_length=150, error_messages={"required": "Isi jabatan."})
    luar_negeri = forms.BooleanField(label="Bekerja di luar negeri", required=False)
    negara = forms.CharField(label="Negara (untuk luar negeri)", max_length=100, required=False)
    kota = forms.CharField(label="Kota/kabupaten", max_length=100,
                           error_messages={"required": "Isi kota atau kabupaten tempat bekerja."})
    tanggal_mulai = _date_field("Mulai bekerja")


class PemohonForm(forms.ModelForm):  # type: ignore[type-arg]
    prefix = "pemohon"  # the counter page also holds the lookup form, with fields of the same names
    setuju = forms.BooleanField(
        label="Pemohon telah membaca teks persetujuan di atas dan menyetujuinya", required=False)
    tanggal_lahir = forms.DateField(label="Tanggal lahir (hh-bb-tttt)", required=False,
                                    input_formats=["%d-%m-%Y", "%Y-%m-%d"],
                                    widget=forms.DateInput(format="%d-%m-%Y"))

    class Meta:
        model = Pemohon
        fields = list(APPLICANT_FIELDS)
        widgets = {
            "keterampilan": forms.Textarea(attrs={"rows": 2}),
            "pengalaman": forms.Textarea(attrs={"rows": 2}),
            "jenis_kelamin": forms.Select(choices=[("", "-"), ("LAKI-LAKI", "Laki-laki"),
                                                   ("PEREMPUAN", "Perempuan")]),
            "status_perkawinan": forms.Select(choices=[("", "-"), ("BELUM KAWIN", "Belum kawin"),
                                                       ("KAWIN", "Kawin"), ("CERAI HIDUP", "Cerai hidup"),
                                                       ("CERAI MATI", "Cerai mati")]),
        }

    def clean_nik(self) -> str:
        nik = str(self.cleaned_data.get("nik", "")).strip()
        if not NIK_PATTERN.fullmatch(nik):
            raise forms.ValidationError("NIK harus 16 digit angka, sesuai KTP-el atau IKD pemohon.")
        return nik
