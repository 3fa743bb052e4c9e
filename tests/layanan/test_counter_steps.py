"""The counter page's steps through the browser's eyes (Django test client): connected lookup, the two
manual steps, the form's fields, a closed or another officer's request."""

from __future__ import annotations

from html.parser import HTMLParser

from django.urls import reverse

from dukcapil_sim import (
    NIK_FOUND,
    person,
)
from layanan.models import Jenis
from layanan.services import permohonan_open
from tests.asking import asker_for
from tests.conftest import nda_verified, verified_client
from verifikasi.elements import Stated
from verifikasi.models import AuditEntry, Kind, Mode, ModeAkses
from verifikasi.services import lookup_perform


def _lookup(user, nik):
    """A lookup outside the page, on a service request of its own (as an earlier applicant's)."""
    return lookup_perform(asker=asker_for(user, f"P-{nik}"), nik=nik, stated=Stated(nik=nik))


def _lookups(sim) -> int:
    return int(sim.stats()["lookups"])


def test_the_counter_page_shows_the_side_by_side_result_and_is_not_cached(connected, ready_petugas) -> None:
    p = person(NIK_FOUND[0])
    assert p is not None
    permohonan = permohonan_open(operator=ready_petugas, jenis=Jenis.AK1)
    client = verified_client(ready_petugas)
    response = client.post(reverse("layanan:periksa_nik", args=[permohonan.pk]),
                           {"nik": p.nik, "nama_lengkap": p.nama, "tempat_lahir": "TEMPAT LAIN"})
    body = response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert p.nama in body and "Sesuai" in body and "Tidak Sesuai" in body
    assert p.nama_ibu not in body and p.no_kk not in body  # dropped at the client
    assert AuditEntry.objects.get(jenis=Kind.LOOKUP).permohonan_ref == permohonan.nomor


class _Fields(HTMLParser):
    """Each form control's attributes by name, the text of each label by its `for`, each error list by id."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: dict[str, dict[str, str | None]] = {}
        self.options: dict[str, list[tuple[str | None, bool]]] = {}
        self.labels: dict[str, str] = {}
        self.errors: dict[str, str] = {}
        self._label: str | None = None
        self._errors: str | None = None
        self._select = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("input", "select", "textarea") and found.get("name"):
            self.controls[str(found["name"])] = found
            self._select = str(found["name"]) if tag == "select" else self._select
        elif tag == "option":
            self.options.setdefault(self._select, []).append((found.get("value"), "selected" in found))
        elif tag == "label" and found.get("for"):
            self._label = str(found["for"])
            self.labels[self._label] = ""
        elif tag == "ul" and found.get("class") == "errorlist" and found.get("id"):
            self._errors = str(found["id"])
            self.errors[self._errors] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label = None
        elif tag == "ul":
            self._errors = None

    def handle_data(self, data: str) -> None:
        if self._label:
            self.labels[self._label] += data
        if self._errors:
            self.errors[self._errors] += data


def test_the_counter_form_keeps_labels_values_errors_and_input_hints(ready_petugas) -> None:
    """What the officers rely on, whatever renders the widgets: a label per field, what they typed
    filled in again (escaped), the error beside its field, and the NIK field's input hints."""
    ModeAkses.objects.update_or_create(pk=1, defaults={"mode": Mode.TERHUBUNG})
    permohonan = permohonan_open(operator=ready_petugas, jenis=Jenis.AK1)
    typed = {"nik": "", "nama_lengkap": 'Siti "Ani" <b>&</b>', "jenis_kelamin": "PEREMPUAN", "no_rt": "12345"}
    response = verified_client(ready_petugas).post(reverse("layanan:periksa_nik", args=[permohonan.pk]), typed)
    assert response["Cache-Control"] == "no-store"
    page = _Fields()
    page.feed(response.content.decode())
    nik, nama, rt = page.controls["nik"], page.controls["nama_lengkap"], page.controls["no_rt"]
    assert page.labels["id_nik"] == "NIK pemohon" and page.labels["id_nama_lengkap"] == "Nama lengkap"
    assert page.labels["id_jenis_kelamin"] == "Jenis kelamin" and page.labels["id_no_rt"] == "RT"
    assert {k: nik.get(k) for k in ("type", "id", "inputmode", "autocomplete", "maxlength")} == {
        "type": "text", "id": "id_nik", "inputmode": "numeric", "autocomplete": "off", "maxlength": "20"}
    assert "required" in nik and "autofocus" in nik and "required" not in nama
    assert nama["value"] == typed["nama_lengkap"] and nama["maxlength"] == "150"
    assert '<b>&</b>' not in response.content.decode()  # escaped, not markup
    assert page.options["jenis_kelamin"] == [("", False), ("LAKI-LAKI", False), ("PEREMPUAN", True)]
    assert nik["aria-invalid"] == "true" and nik["aria-describedby"] == "id_nik_error"
    assert page.errors["id_nik_error"] == "Bidang ini tidak boleh kosong."
    assert rt["value"] == "12345" and rt["aria-describedby"] == "id_no_rt_error"
    assert "paling banyak 3 karakter" in page.errors["id_no_rt_error"]
    assert "aria-invalid" not in nama and "override_reason" not in page.controls  # offered after a refusal only
    assert page.controls["override_token"]["type"] == "hidden"
    assert not AuditEntry.objects.exists()


def test_the_counter_page_walks_the_two_manual_steps_and_says_which_mode_is_in_force(ready_petugas) -> None:
    ModeAkses.objects.update_or_create(pk=1, defaults={"mode": Mode.MANUAL})
    permohonan = permohonan_open(operator=ready_petugas, jenis=Jenis.PELATIHAN)
    client = verified_client(ready_petugas)
    page = client.get(reverse("layanan:periksa", args=[permohonan.pk])).content.decode()
    assert "Manual (petugas membaca portal web Dukcapil)" in page and "Minta izin pemeriksaan" in page
    granted = client.post(reverse("layanan:minta_izin", args=[permohonan.pk]), {"nik": NIK_FOUND[0]}).content.decode()
    assert "Izin pemeriksaan diberikan" in granted and "Catat hasil" in granted
    izin = granted.split('name="authorisation" value="')[1].split('"')[0]
    response = client.post(reverse("layanan:catat_hasil", args=[permohonan.pk]),
                           {"nik": NIK_FOUND[0], "authorisation": izin, "outcome": "01", "cocok_nama_lengkap": "1",
                            "cocok_alamat": "0"})
    assert "Hasil dari portal web Dukcapil telah dicatat" in response.content.decode()
    entry = AuditEntry.objects.get(jenis=Kind.MANUAL)
    assert (entry.outcome, entry.permohonan_ref) == ("01", permohonan.nomor)
    assert entry.kecocokan["nama_lengkap"] is True and entry.kecocokan["alamat"] is False


def test_the_counter_page_offers_the_nik_hints_beside_the_answer(connected, ready_petugas) -> None:
    p = person(NIK_FOUND[1])
    assert p is not None
    permohonan = permohonan_open(operator=ready_petugas, jenis=Jenis.AK1)
    page = verified_client(ready_petugas).post(reverse("layanan:periksa_nik", args=[permohonan.pk]),
                                               {"nik": p.nik}).content.decode()
    assert "Petunjuk dari struktur NIK" in page and p.tanggal_lahir.strftime("%d-%m-%Y") in page


def test_a_closed_request_takes_no_more_lookups(connected, ready_petugas) -> None:
    permohonan = permohonan_open(operator=ready_petugas, jenis=Jenis.AK1)
    client = verified_client(ready_petugas)
    client.post(reverse("layanan:tutup", args=[permohonan.pk]))
    response = client.post(reverse("layanan:periksa_nik", args=[permohonan.pk]), {"nik": NIK_FOUND[0]})
    assert "Permohonan ini sudah selesai" in response.content.decode()
    assert _lookups(connected) == 0 and not AuditEntry.objects.exists()


def test_another_officer_can_open_and_work_a_request(connected, ready_petugas, make_user) -> None:
    permohonan = permohonan_open(operator=ready_petugas, jenis=Jenis.AK1)
    colleague = make_user(username="petugas2")
    nda_verified(operator=colleague)
    other = verified_client(colleague)
    assert other.get(reverse("layanan:periksa", args=[permohonan.pk])).status_code == 200
    response = other.post(reverse("layanan:periksa_nik", args=[permohonan.pk]), {"nik": NIK_FOUND[0]})
    assert "Data Ditemukan" in response.content.decode()
    assert _lookups(connected) == 1
    assert AuditEntry.objects.get(jenis=Kind.LOOKUP).operator_id == colleague.pk


def test_a_user_without_the_counters_permission_gets_403_on_a_request(connected, ready_petugas,
                                                                        make_user) -> None:
    permohonan = permohonan_open(operator=ready_petugas, jenis=Jenis.AK1)
    outsider = verified_client(make_user(role=None))
    assert outsider.get(reverse("layanan:periksa", args=[permohonan.pk])).status_code == 403
    assert outsider.post(reverse("layanan:periksa_nik", args=[permohonan.pk]),
                         {"nik": NIK_FOUND[0]}).status_code == 403
    assert _lookups(connected) == 0


def test_the_counter_page_clears_the_reason_after_each_submission(connected, ready_petugas) -> None:
    base = NIK_FOUND[0]
    twin = base[:12] + f"{int(base[12:]) + 1:04d}"
    _lookup(ready_petugas, base)
    permohonan = permohonan_open(operator=ready_petugas, jenis=Jenis.AK1)
    client = verified_client(ready_petugas)
    url = reverse("layanan:periksa_nik", args=[permohonan.pk])
    refused = client.post(url, {"nik": twin}).content.decode()
    assert "Alasan melewati penolakan" in refused and "NIK berdekatan" in refused
    token = refused.split('name="override_token" value="')[1].split('"')[0]
    done = client.post(url, {"nik": twin, "override_reason": "Pemohon kembar, datang bersama",
                             "override_token": token})
    page = done.content.decode()
    assert "Data Ditemukan" in page or "Data tidak ditemukan" in page
    assert "datang bersama" not in page  # the reason is not offered again
    assert 'name="override_token" value="' not in page  # nor the token of the refusal it answered
