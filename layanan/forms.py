"""The applicant's record as typed from the application and the documents (never from Dukcapil's answer)."""

from __future__ import annotations

from django import forms

from nik_structure import NIK_PATTERN

from .models import Pemohon
from .pemohon import APPLICANT_FIELDS


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
