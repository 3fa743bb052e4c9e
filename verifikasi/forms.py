"""The counter's lookup forms: what the applicant's documents say, never Dukcapil's answer."""

from __future__ import annotations

from django import forms
from django.forms.renderers import Jinja2
from django.http import QueryDict

from .counter import LookupOutcome
from .elements import FIELDS, MARITAL_STATUS_CHOICES, SEX_CHOICES, Outcome, Stated, parse_date

NIK_ATTRS = {"autofocus": True, "inputmode": "numeric", "autocomplete": "off", "maxlength": 16}

# The counter page renders 15 widgets per lookup. Django's own Jinja2 widget templates give the same
# markup as its default (Django template) renderer at about a third of the CPU. Only for these forms:
# the admin's widgets exist as Django templates only. One instance, so the templates compile once.
COUNTER_FORM_RENDERER = Jinja2()


class CounterForm(forms.Form):
    default_renderer = COUNTER_FORM_RENDERER


# A step the enumeration guard may refuse: the officer may answer that refusal with a reason.
OVERRIDE_REASON = forms.CharField(
    label=("Alasan melewati penolakan (mis. pemohon kembar, satu keluarga datang bersama). "
           "Jangan menyalin data Dukcapil ke sini"),
    required=False, widget=forms.Textarea(attrs={"rows": 2}),
)
OVERRIDE_TOKEN = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
# Offered when the request's first NIK was not found: the applicant's form had a typo.
CORRECTION_REASON = forms.CharField(
    label="Alasan koreksi NIK (mis. NIK pada formulir salah ketik; dicocokkan dengan KTP-el/IKD asli)",
    required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
)


class OverridableForm(CounterForm):
    """A form with `override_reason` and `override_token` (declared last by each subclass).

    Rendered whole by Jinja2 (`{{ form }}`): the reason's box only after a refusal it may answer.
    """

    template_name = "verifikasi/counter_form.html"
    offer_override = False
    offer_correction = False
    override_note = ""  # why a reason typed for an earlier refusal is asked again

    def answered(self, *, outcome: LookupOutcome) -> None:
        """After a submission: a written reason answers one refusal, so the next page starts
        without it, carrying the token of the refusal just given (if any). A reason that was not
        used (`override_note` says why: the refusal changed, too short, expired) stays in the box
        for the officer to submit again against the new refusal."""
        data = QueryDict(mutable=True)
        data.update(self.data)
        if not outcome.override_note:
            data["override_reason"] = ""
        data["override_token"] = outcome.override_token
        data["correction_reason"] = ""
        self.data = data
        self.offer_override = outcome.overridable
        self.offer_correction = outcome.correctable
        self.override_note = outcome.override_note


class LookupForm(OverridableForm):
    nik = forms.CharField(label="NIK pemohon", max_length=20, widget=forms.TextInput(attrs=NIK_ATTRS))
    nama_lengkap = forms.CharField(label="Nama lengkap", max_length=150, required=False)
    jenis_kelamin = forms.ChoiceField(
        label="Jenis kelamin", required=False,
        choices=[("", "(tidak diperiksa)"), *SEX_CHOICES],
    )
    tempat_lahir = forms.CharField(label="Tempat lahir", max_length=100, required=False)
    tanggal_lahir = forms.CharField(label="Tanggal lahir (mis. 15-05-1985)", max_length=20, required=False)
    status_perkawinan = forms.ChoiceField(
        label="Status perkawinan", required=False,
        choices=[("", "(tidak diperiksa)"), *MARITAL_STATUS_CHOICES],
    )
    jenis_pekerjaan = forms.CharField(label="Jenis pekerjaan", max_length=100, required=False)
    alamat = forms.CharField(label="Alamat (jalan, dusun)", max_length=200, required=False)
    no_rt = forms.CharField(label="RT", max_length=3, required=False)
    no_rw = forms.CharField(label="RW", max_length=3, required=False)
    kel_name = forms.CharField(label="Desa/kelurahan", max_length=100, required=False)
    kec_name = forms.CharField(label="Kecamatan", max_length=100, required=False)
    kab_name = forms.CharField(label="Kabupaten/kota", max_length=100, required=False)
    prop_name = forms.CharField(label="Provinsi", max_length=100, required=False)
    override_reason = OVERRIDE_REASON
    override_token = OVERRIDE_TOKEN
    correction_reason = CORRECTION_REASON

    def clean_tanggal_lahir(self) -> str:
        """A date the officer typed must exist: 31-02-1990 is this input's error, never "Tidak Sesuai"."""
        value: str = self.cleaned_data.get("tanggal_lahir", "") or ""
        if value.strip() and parse_date(value) is None:
            raise forms.ValidationError(
                "Tanggal ini tidak ada di kalender atau tidak terbaca. Periksa lagi dokumen pemohon dan tulis "
                "seperti 15-05-1985.", code="invalid_date")
        return value

    def stated(self) -> Stated:
        data = self.cleaned_data
        keys = [f for f in Stated.__dataclass_fields__ if f != "nik"]
        return Stated(nik=data["nik"].strip(), **{k: data.get(k, "") or "" for k in keys})


MATCH_CHOICES = [("", "(tidak diperiksa)"), ("1", "Sesuai"), ("0", "Tidak Sesuai")]


class ManualAuthoriseForm(OverridableForm):
    """Manual mode, step 1: the NIK to be looked up in Dukcapil's portal, before anything is opened."""

    nik = forms.CharField(label="NIK pemohon", max_length=20, widget=forms.TextInput(attrs=NIK_ATTRS))
    override_reason = OVERRIDE_REASON
    override_token = OVERRIDE_TOKEN
    correction_reason = CORRECTION_REASON


class ManualForm(CounterForm):
    """Manual mode, step 2: the outcome and per-field result the officer read in Dukcapil's portal."""

    nik = forms.CharField(widget=forms.HiddenInput, max_length=20)
    authorisation = forms.CharField(widget=forms.HiddenInput, max_length=80)
    outcome = forms.ChoiceField(
        label="Hasil di portal web Dukcapil",
        choices=[(o.value, o.label) for o in Outcome if o.is_dukcapil_answer],
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for key, label in FIELDS:
            self.fields[f"cocok_{key}"] = forms.ChoiceField(
                label=label, choices=MATCH_CHOICES, required=False, widget=forms.RadioSelect
            )

    def kecocokan(self) -> dict[str, bool | None]:
        return {key: {"1": True, "0": False}.get(self.cleaned_data.get(f"cocok_{key}") or "")
                for key, _ in FIELDS}
