"""The lookup end to end through the counter page, against the simulator over real HTTP."""

from __future__ import annotations

import datetime as dt
import io
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from akun.models import DukcapilStop
from dukcapil_sim import (
    NIK_DECEASED,
    NIK_DUPLICATE,
    NIK_FOUND,
    NIK_INACTIVE,
    NIK_NOT_FOUND,
    person,
)
from tests.asking import asker_for
from tests.conftest import nda_verified, verified_client
from verifikasi.audit import audit_unanswered
from verifikasi.elements import Outcome, Stated
from verifikasi.models import AuditEntry, Kind, Mode, ModeAkses
from verifikasi.services import lookup_authorise_manual, lookup_perform, lookup_record_manual


def _lookup(user, nik, **kwargs):
    ref = kwargs.pop("ref", f"P-{nik}")  # one applicant, one service request
    return lookup_perform(asker=asker_for(user, ref or None), nik=nik, stated=kwargs.pop("stated", Stated(nik=nik)),
                          **kwargs)


def _lookups(sim) -> int:
    return int(sim.stats()["lookups"])


@pytest.mark.parametrize(
    ("nik", "outcome"),
    [(NIK_FOUND[0], Outcome.FOUND), (NIK_DECEASED, Outcome.DECEASED), (NIK_DUPLICATE, Outcome.DUPLICATE),
     (NIK_INACTIVE, Outcome.INACTIVE), (NIK_NOT_FOUND, Outcome.NOT_FOUND)],
)
def test_it_audits_each_outcome_with_the_portal_facts_only(connected, ready_petugas, nik, outcome) -> None:
    result = _lookup(ready_petugas, nik)
    assert result.result is not None and result.result.outcome == outcome
    entry = AuditEntry.objects.get(jenis=Kind.LOOKUP)
    assert (entry.outcome, entry.nik_masked, entry.permohonan_ref) == (outcome.value, nik[:4] + "*" * 8 + nik[-4:],
                                                                      f"P-{nik}")
    assert _lookups(connected) == 1


def test_it_records_the_request_before_it_leaves_and_links_the_answer_to_it(connected, ready_petugas) -> None:
    _lookup(ready_petugas, NIK_FOUND[0])
    sent, answer = AuditEntry.objects.order_by("seq")
    assert (sent.jenis, answer.jenis, answer.rujukan, sent.nik_hmac) == (Kind.SENT, Kind.LOOKUP, sent.seq,
                                                                          answer.nik_hmac)
    assert audit_unanswered(older_than=dt.timedelta(0)) == []


def test_a_request_whose_answer_is_never_recorded_still_has_its_row(
    transactional_db, django_db_serialized_rollback, connected, ready_petugas, monkeypatch,
) -> None:
    """The process dies while Dukcapil answers: the request that left is still in the trail.

    Transactional, so that "committed before it leaves" can fail; serialized rollback brings back
    what migrations seeded (the roles' permissions) after earlier transactional tests' flushes."""
    def dies(**_: object) -> None:
        # As the request leaves: its row is committed already, no transaction is open around the wait.
        assert not transaction.get_connection().in_atomic_block
        assert AuditEntry.objects.filter(jenis=Kind.SENT).count() == 1
        raise SystemExit

    with mock.patch("verifikasi.services.nik_lookup", autospec=True, side_effect=dies):
        with pytest.raises(SystemExit):
            _lookup(ready_petugas, NIK_FOUND[0])
    (sent,) = AuditEntry.objects.all()
    assert sent.jenis == Kind.SENT and sent.nik_masked == NIK_FOUND[0][:4] + "*" * 8 + NIK_FOUND[0][-4:]
    assert audit_unanswered(older_than=dt.timedelta(0)) == [sent.seq]
    out = io.StringIO()
    call_command("verifikasi_audit_check", stdout=out)
    assert "tanpa jawaban" not in out.getvalue()  # still within its timeout: it may be in flight
    later = timezone.now() + dt.timedelta(seconds=settings.DUKCAPIL_TIMEOUT + 61)
    monkeypatch.setattr(timezone, "now", lambda: later)
    call_command("verifikasi_audit_check", stdout=out)
    assert f"1 permintaan terkirim ke Dukcapil tanpa jawaban tercatat (baris #{sent.seq})" in out.getvalue()


def test_it_compares_the_documents_field_by_field(connected, ready_petugas) -> None:
    p = person(NIK_FOUND[0])
    assert p is not None
    stated = Stated(nik=p.nik, nama_lengkap=p.nama.lower(), tempat_lahir="SALAH TEMPAT",
                    tanggal_lahir=p.tanggal_lahir.strftime("%d-%m-%Y"))
    result = _lookup(ready_petugas, p.nik, stated=stated)
    matches = {m.key: m.match for m in result.matches}
    assert matches["nik"] is True and matches["nama_lengkap"] is True and matches["tanggal_lahir"] is True
    assert matches["tempat_lahir"] is False and matches["jenis_pekerjaan"] is None
    assert AuditEntry.objects.get(jenis=Kind.LOOKUP).kecocokan == matches


def test_it_shows_a_timeout_as_a_fault_and_counts_it(connected, ready_petugas) -> None:
    connected.control(timeout=True)
    result = _lookup(ready_petugas, NIK_FOUND[1])
    assert result.result is not None and result.result.outcome == Outcome.GATEWAY_FAULT
    assert "tidak ditemukan" not in result.result.message.lower()
    assert result.quota is not None and result.quota.used == 1


@pytest.mark.parametrize("fault", ["http500", "html", "malformed", "empty", "empty_content"])
def test_it_never_shows_a_gateway_fault_as_not_found(connected, ready_petugas, fault) -> None:
    connected.control(**{fault: True})
    result = _lookup(ready_petugas, NIK_FOUND[1])
    assert result.result is not None and result.result.outcome == Outcome.GATEWAY_FAULT
    assert AuditEntry.objects.get(jenis=Kind.LOOKUP).outcome == "GF"


def test_it_refuses_a_malformed_nik_locally_without_spending_quota(connected, ready_petugas) -> None:
    result = _lookup(ready_petugas, "3303010113900001")  # month 13
    assert result.refused and result.result is not None
    assert result.result.outcome == Outcome.REFUSED_LOCALLY
    assert "ditolak sebelum dikirim" in result.refusals[0].lower()
    assert _lookups(connected) == 0 and result.quota is not None and result.quota.used == 0


def test_a_malformed_nik_refusal_is_audited_hashed_and_masked(connected, ready_petugas) -> None:
    _lookup(ready_petugas, "3303010113900001")
    _lookup(ready_petugas, "3303010113900001", ref="P-lagi")
    first, again = AuditEntry.objects.order_by("seq")
    assert (first.jenis, first.outcome, first.nik_masked) == (Kind.REFUSAL, Outcome.REFUSED_LOCALLY, "3303********0001")
    assert first.nik_hmac and first.nik_hmac == again.nik_hmac  # repeated probing is linkable


@pytest.mark.parametrize("case", ["no_request", "no_gateway"])
def test_every_refusal_before_the_check_is_audited(connected, ready_petugas, settings, case) -> None:
    if case == "no_gateway":
        settings.DUKCAPIL_NIK_URL = ""
    refused = _lookup(ready_petugas, NIK_FOUND[0], ref="" if case == "no_request" else "P-1")
    entry = AuditEntry.objects.get()
    assert refused.refused and entry.jenis == Kind.REFUSAL and entry.alasan == refused.refusals[0]
    assert entry.operator_id == ready_petugas.pk and entry.nik_masked == NIK_FOUND[0][:4] + "*" * 8 + NIK_FOUND[0][-4:]
    assert _lookups(connected) == 0


def test_it_stops_every_lookup_after_a_refused_login_until_the_admin_clears_it(
    connected, ready_petugas, settings, admin_user
) -> None:
    settings.DUKCAPIL_PASSWORD = "kata-sandi-salah"
    first = _lookup(ready_petugas, NIK_FOUND[0])
    assert first.result is not None and first.result.outcome == Outcome.LOGIN_FAILED
    settings.DUKCAPIL_PASSWORD = "sim-pass"
    second = _lookup(ready_petugas, NIK_FOUND[2])
    assert second.refused and "dihentikan" in second.refusals[0]
    assert _lookups(connected) == 1  # the second one never left
    DukcapilStop.objects.update(dicabut_pada="2026-11-29T10:00:00+07:00", dicabut_oleh=admin_user)
    third = _lookup(ready_petugas, NIK_FOUND[2])
    assert third.result is not None and third.result.outcome == Outcome.FOUND


@pytest.mark.parametrize(("switch", "outcome"), [("institution_inactive", Outcome.INSTITUTION_INACTIVE),
                                                 ("user_inactive", Outcome.USER_INACTIVE)])
def test_it_stops_lookups_when_the_institution_or_user_is_inactive(connected, ready_petugas, switch,
                                                                   outcome) -> None:
    connected.control(**{switch: True})
    assert _lookup(ready_petugas, NIK_FOUND[0]).result.outcome == outcome  # type: ignore[union-attr]
    assert DukcapilStop.objects.filter(dicabut_pada__isnull=True, kode=outcome.value).exists()


def test_it_refuses_a_neighbouring_nik_and_accepts_an_audited_override(connected, ready_petugas) -> None:
    base = NIK_FOUND[0]
    twin = base[:12] + f"{int(base[12:]) + 1:04d}"
    _lookup(ready_petugas, base)
    refused = _lookup(ready_petugas, twin)
    assert refused.refused and refused.overridable and _lookups(connected) == 1
    short = _lookup(ready_petugas, twin, override_reason="kembar", override_token=refused.override_token)
    assert short.refused  # a reason must say something
    reason = "Pemohon kembar, datang bersama saudaranya"
    unbound = _lookup(ready_petugas, twin, override_reason=reason)
    assert unbound.refused  # a reason without the refusal it answers is not an override
    done = _lookup(ready_petugas, twin, override_reason=reason, override_token=refused.override_token)
    assert not done.refused and _lookups(connected) == 2
    kinds = list(AuditEntry.objects.order_by("seq").values_list("jenis", flat=True))
    assert kinds == [Kind.SENT, Kind.LOOKUP, Kind.REFUSAL, Kind.REFUSAL, Kind.REFUSAL, Kind.OVERRIDE, Kind.SENT,
                     Kind.LOOKUP]
    assert "kembar" in AuditEntry.objects.get(jenis=Kind.OVERRIDE).alasan


def test_it_refuses_when_the_quota_is_spent_and_sends_nothing(connected, ready_petugas, settings) -> None:
    settings.DUKCAPIL_DAILY_QUOTA = 1
    _lookup(ready_petugas, NIK_FOUND[0])
    result = _lookup(ready_petugas, NIK_FOUND[3])
    assert result.refusals == ("Kuota akses hari ini telah habis",)
    assert _lookups(connected) == 1


def test_it_holds_each_officer_to_the_daily_cap_the_admin_set_for_them(connected, ready_petugas, make_user,
                                                                        admin_user, settings) -> None:
    settings.DUKCAPIL_OPERATOR_DAILY_CAP = 0  # no cap for the others
    ready_petugas.batas_harian = 1
    ready_petugas.save()
    other = make_user(username="petugas2")
    nda_verified(operator=other, by=admin_user)
    assert not _lookup(ready_petugas, NIK_FOUND[0]).refused
    capped = _lookup(ready_petugas, NIK_FOUND[3])
    assert capped.refusals == ("Batas pribadi Anda (1 permintaan per hari) telah habis.",)
    assert not _lookup(other, NIK_FOUND[2]).refused and _lookups(connected) == 2
    page = verified_client(admin_user).get(f"/kelola/akun/user/{ready_petugas.pk}/change/").content.decode()
    assert 'name="batas_harian"' in page and 'value="1"' in page
    ready_petugas.batas_harian = 0  # 0 would read as "no cap": the way to stop an officer is to deactivate them
    with pytest.raises(ValidationError, match="batas_harian"):
        ready_petugas.full_clean()


def test_it_refuses_an_officer_without_nda_before_anything_is_sent(connected, petugas) -> None:
    result = _lookup(petugas, NIK_FOUND[0])
    assert result.refused and any("NDA" in r for r in result.refusals)
    assert _lookups(connected) == 0
    assert AuditEntry.objects.get().jenis == Kind.REFUSAL


def _authorise(user, nik, ref="P-1", **kwargs):
    return lookup_authorise_manual(asker=asker_for(user, ref), nik=nik, **kwargs)


def _record(user, nik, authorisation, ref="P-1", outcome=Outcome.FOUND, kecocokan=None):
    return lookup_record_manual(asker=asker_for(user, ref), nik=nik, authorisation=authorisation, outcome=outcome,
                                kecocokan=kecocokan or {"nama_lengkap": True, "alamat": False})


def test_it_authorises_a_manual_lookup_before_recording_its_result(ready_petugas) -> None:
    ModeAkses.objects.update_or_create(pk=1, defaults={"mode": Mode.MANUAL})
    granted = _authorise(ready_petugas, NIK_FOUND[0])
    assert not granted.refused and granted.authorisation and granted.quota is not None
    assert granted.quota.used == 1  # counted before the officer opens Dukcapil's portal
    result = _record(ready_petugas, NIK_FOUND[0], granted.authorisation)
    assert not result.refused
    izin, manual = AuditEntry.objects.order_by("seq")
    assert (izin.jenis, manual.jenis) == (Kind.AUTHORISATION, Kind.MANUAL)
    assert (manual.mode, manual.outcome) == (Mode.MANUAL, "01")
    assert manual.rujukan == izin.seq
    assert manual.kecocokan == {"nama_lengkap": True, "alamat": False}


def test_it_records_a_manual_result_once_per_authorisation(ready_petugas) -> None:
    ModeAkses.objects.update_or_create(pk=1, defaults={"mode": Mode.MANUAL})
    granted = _authorise(ready_petugas, NIK_FOUND[0])
    assert not _record(ready_petugas, NIK_FOUND[0], granted.authorisation).refused
    assert _record(ready_petugas, NIK_FOUND[0], granted.authorisation).refused
    assert _record(ready_petugas, NIK_FOUND[2], granted.authorisation).refused  # another NIK
    forged = granted.authorisation.split(".")[0] + ".0123456789abcdef0123456789abcdef"
    assert _record(ready_petugas, NIK_FOUND[0], forged).refused
    assert AuditEntry.objects.filter(jenis=Kind.MANUAL).count() == 1


def test_the_guard_refuses_a_manual_lookup_before_it_happens(ready_petugas, settings) -> None:
    ModeAkses.objects.update_or_create(pk=1, defaults={"mode": Mode.MANUAL})
    settings.DUKCAPIL_DAILY_QUOTA = 1
    settings.ENUM_GUARD_MIN_INTERVAL_SECONDS = 0
    base = NIK_FOUND[0]
    _authorise(ready_petugas, base, ref="P-A")
    near = _authorise(ready_petugas, base[:12] + f"{int(base[12:]) + 1:04d}", ref="P-B")
    assert near.refused and not near.authorisation
    spent = _authorise(ready_petugas, NIK_FOUND[2], ref="P-C")
    assert spent.refusals == ("Kuota akses hari ini telah habis",) and not spent.authorisation


def test_it_refuses_a_second_applicants_nik_in_the_same_request(connected, ready_petugas) -> None:
    _lookup(ready_petugas, NIK_FOUND[0], ref="P-SATU")
    other = _lookup(ready_petugas, NIK_FOUND[2], ref="P-SATU")
    assert other.refused and "NIK pemohon lain" in other.refusals[0]
    assert _lookups(connected) == 1


def test_an_unexpected_client_failure_is_still_audited_as_a_fault(connected, ready_petugas) -> None:
    connected.control(raw={"status": 200, "body": '{"content": [{"RESPONSE_CODE": "\u00b2", "RESPON": "?"}]}'})
    result = _lookup(ready_petugas, NIK_FOUND[0])
    assert result.result is not None and result.result.outcome == Outcome.GATEWAY_FAULT
    assert AuditEntry.objects.get(jenis=Kind.LOOKUP).outcome == "GF"


def test_answer_objects_never_print_their_values(connected, ready_petugas) -> None:
    p = person(NIK_FOUND[0])
    assert p is not None
    outcome = _lookup(ready_petugas, p.nik)
    assert outcome.result is not None and outcome.result.elemen is not None
    for shown in (repr(outcome), repr(outcome.result), repr(outcome.result.elemen), str(outcome.result.elemen),
                  repr(outcome.result.elemen.alamat)):
        assert p.nama not in shown and p.tempat_lahir not in shown and p.alamat not in shown


def test_an_override_reason_never_carries_over_to_the_next_refusal(connected, ready_petugas) -> None:
    base = NIK_FOUND[0]
    twin, third = (base[:12] + f"{int(base[12:]) + i:04d}" for i in (1, 2))
    _lookup(ready_petugas, base)
    first = _lookup(ready_petugas, twin)
    reason = "Pemohon kembar, datang bersama saudaranya"
    assert not _lookup(ready_petugas, twin, override_reason=reason, override_token=first.override_token).refused
    # The same reason and token offered for another neighbour: refused, the officer must say why again.
    again = _lookup(ready_petugas, third, override_reason=reason, override_token=first.override_token)
    assert again.refused and again.overridable and _lookups(connected) == 2

