"""The counter page against the simulator over real HTTP: the gateway's own quota count, the stop
after an IP-refused answer, and a result page that is never cached."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.http import HttpResponseBase
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import SettingsWrapper

from akun.models import DukcapilStop, User
from dukcapil_sim import (
    DEFAULT_IP_USER,
    NIK_FOUND,
    Reply,
    SimServer,
    make_server,
)
from layanan.models import Jenis
from layanan.services import permohonan_open
from tests.asking import asker_for
from tests.conftest import nda_verified, portal_connect, verified_client
from verifikasi.elements import Outcome, Stated
from verifikasi.models import AuditEntry, Kind
from verifikasi.services import LookupOutcome, lookup_perform

# An address the portal never connects from: the tests reach the simulator over 127.0.0.1.
OTHER_IP = "10.20.30.40"
PORTAL_QUOTA = 120  # the portal's own daily count, unlike any number the simulator is given


def _lookup(user: User, nik: str, ref: str | None = None) -> LookupOutcome:
    return lookup_perform(asker=asker_for(user, ref or f"P-{user.pk}-{nik}"), nik=nik, stated=Stated(nik=nik))


def _lookups(sim: SimServer) -> int:
    return int(str(sim.stats()["lookups"]))


class _TextOf(HTMLParser):
    """The text of the element with one id, tags stripped and whitespace collapsed."""

    def __init__(self, wanted: str) -> None:
        super().__init__()
        self.wanted = wanted
        self.found = False
        self._depth = 0
        self._parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._depth:
            self._depth += 1
        elif dict(attrs).get("id") == self.wanted:
            self.found, self._depth = True, 1

    def handle_endtag(self, tag: str) -> None:
        if self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self._parts.append(data)

    @property
    def text(self) -> str:
        return " ".join("".join(self._parts).split())


def _text_of(body: bytes, element_id: str) -> str:
    parser = _TextOf(element_id)
    parser.feed(body.decode())
    assert parser.found, f"no element with id={element_id!r} on the page"
    return parser.text


def _no_store(response: HttpResponseBase) -> bool:
    directives = [d.strip().lower() for d in response["Cache-Control"].split(",")]
    return "no-store" in directives


def _counter(user: User) -> tuple[Client, str]:
    """A signed-in officer's browser and the address the counter form posts a lookup to."""
    permohonan = permohonan_open(operator=user, jenis=Jenis.AK1)
    return verified_client(user), reverse("layanan:periksa_nik", args=[permohonan.pk])


# -- the gateway's quotaLimiter beside the portal's own count --------------------------------------


@pytest.fixture
def portal_quota(settings: SettingsWrapper) -> int:
    settings.DUKCAPIL_DAILY_QUOTA = PORTAL_QUOTA
    return PORTAL_QUOTA


@pytest.mark.parametrize(
    ("gateway_quota", "sends", "shown"),
    [(50, True, "menurut gateway Dukcapil: 49 tersisa"),  # beside the portal's own count
     (1, True, "menurut gateway Dukcapil: 0 tersisa"),  # this lookup spends the gateway's last one: 0 is shown
     (50, False, None)],  # a gateway without quotaLimiter: no gateway count at all
    ids=["beside-the-portals-count", "zero-shown", "none-sent"],
)
def test_it_shows_the_gateways_quota_limiter_beside_the_portals_own_count(
    connected: SimServer, ready_petugas: User, portal_quota: int, gateway_quota: int, sends: bool, shown: str | None,
) -> None:
    connected.control(quota=gateway_quota, quota_limiter=sends)
    client, url = _counter(ready_petugas)
    response = client.post(url, {"nik": NIK_FOUND[0]})
    assert "Data Ditemukan" in response.content.decode()
    assert connected.stats()["quota_remaining"] == gateway_quota - 1  # what the simulator sent with this answer
    kuota = _text_of(response.content, "kuota")
    assert f"{portal_quota - 1} tersisa dari {portal_quota} (terpakai 1)" in kuota
    assert (shown in kuota) if shown else ("gateway" not in kuota)


# -- the stop after an IP-refused answer (04, 10) ------------------------------------------------


@dataclass
class _IpRefusing:
    """A simulator that answers `code` to the portal, and how to take the cause away."""

    code: str
    sim: SimServer
    cure: Callable[[], None]
    answered: list[object] = field(default_factory=list)  # RESPONSE_CODE of each lookup answer


@pytest.fixture(params=["04", "10"], ids=["04-ip-not-registered", "10-ip-mismatch"])
def ip_refusing(request: pytest.FixtureRequest, settings: SettingsWrapper, db: None,
                monkeypatch: pytest.MonkeyPatch) -> Iterator[_IpRefusing]:
    """04: the portal sends an ip_user the gateway does not know. 10: the ip_user is the registered
    one, but the connection comes from another address (the simulator's `check_peer`)."""
    code = str(request.param)
    sim = make_server(port=0, ip_user=DEFAULT_IP_USER if code == "04" else OTHER_IP).start()
    try:
        portal_connect(settings, sim, ip_user=OTHER_IP)
        sim.control(generation="3")  # the code itself on the wire, not only the text
        if code == "04":
            def cure() -> None:
                settings.DUKCAPIL_IP_USER = DEFAULT_IP_USER
        else:
            sim.control(check_peer=True)

            def cure() -> None:
                sim.control(check_peer=False)
        refusing = _IpRefusing(code, sim, cure)
        answer = sim.state.answer_lookup

        def recorded(path: str, body: bytes, peer: str) -> Reply:
            reply = answer(path, body, peer)
            refusing.answered.append(json.loads(reply.body)["content"][0].get("RESPONSE_CODE"))
            return reply

        monkeypatch.setattr(sim.state, "answer_lookup", recorded)
        yield refusing
    finally:
        sim.stop()


def test_it_files_an_ip_refused_answer_under_its_category_and_raises_the_stop(
    ip_refusing: _IpRefusing, ready_petugas: User,
) -> None:
    result = _lookup(ready_petugas, NIK_FOUND[0])
    assert ip_refusing.answered == [ip_refusing.code]
    assert result.result is not None and result.result.outcome == Outcome.IP_REFUSED
    assert result.result.gateway_code == ip_refusing.code  # 04 and 10 need different fixes: both are kept
    entry = AuditEntry.objects.get(jenis=Kind.LOOKUP)
    assert entry.outcome == Outcome.IP_REFUSED.value
    assert entry.alasan == ("" if ip_refusing.code == "04" else "kode gateway 10")
    stop = DukcapilStop.objects.get(dicabut_pada__isnull=True)
    assert stop.kode == ip_refusing.code and Outcome.IP_REFUSED.label in stop.alasan


def test_it_refuses_another_officer_before_sending_after_an_ip_refusal_until_the_stop_is_cleared(
    ip_refusing: _IpRefusing, ready_petugas: User, make_user: Callable[..., User], admin_user: User,
) -> None:
    _lookup(ready_petugas, NIK_FOUND[0])
    assert ip_refusing.answered == [ip_refusing.code] and _lookups(ip_refusing.sim) == 1
    other = make_user()
    nda_verified(operator=other, by=admin_user)
    ip_refusing.cure()  # the cause is gone; the stop still holds until the admin clears it
    refused = _lookup(other, NIK_FOUND[2])
    assert refused.refused and any("dihentikan" in r for r in refused.refusals)
    assert _lookups(ip_refusing.sim) == 1  # nothing left the portal
    assert AuditEntry.objects.filter(jenis=Kind.REFUSAL, operator_id=other.pk).count() == 1
    DukcapilStop.objects.filter(dicabut_pada__isnull=True).update(dicabut_pada=timezone.now(),
                                                                  dicabut_oleh=admin_user)
    done = _lookup(other, NIK_FOUND[2])
    assert done.result is not None and done.result.outcome == Outcome.FOUND
    assert _lookups(ip_refusing.sim) == 2 and ip_refusing.answered == [ip_refusing.code, "01"]


# -- never cached ------------------------------------------------------------------------------


def _found(sim: SimServer, settings: SettingsWrapper) -> str:
    return NIK_FOUND[0]


def _refused_locally(sim: SimServer, settings: SettingsWrapper) -> str:
    return "3303010113900001"  # month 13


def _refused_by_dukcapil(sim: SimServer, settings: SettingsWrapper) -> str:
    settings.DUKCAPIL_PASSWORD = "kata-sandi-salah"  # noqa: S105
    return NIK_FOUND[0]


def _gateway_fault(sim: SimServer, settings: SettingsWrapper) -> str:
    sim.control(http500=True)
    return NIK_FOUND[0]


@pytest.mark.parametrize(
    ("arrange", "shown", "sent"),
    [
        (_found, "Data Ditemukan", 1),
        (_refused_locally, "Ditolak sebelum dikirim", 0),
        (_refused_by_dukcapil, "Gagal Login", 1),
        (_gateway_fault, "Gangguan layanan Dukcapil", 1),
    ],
    ids=["found", "refused-locally", "refused-by-dukcapil", "gateway-fault"],
)
def test_it_never_lets_the_result_page_be_cached(
    connected: SimServer, ready_petugas: User, settings: SettingsWrapper,
    arrange: Callable[[SimServer, SettingsWrapper], str], shown: str, sent: int,
) -> None:
    nik = arrange(connected, settings)
    client, url = _counter(ready_petugas)
    response = client.post(url, {"nik": nik})
    assert response.status_code == 200 and shown in response.content.decode()
    assert _lookups(connected) == sent
    assert _no_store(response), response["Cache-Control"]


@pytest.mark.parametrize("page", ["periksa", "daftar"])
def test_it_never_lets_a_page_with_the_quota_and_the_stop_be_cached(
    connected: SimServer, ready_petugas: User, page: str,
) -> None:
    DukcapilStop.objects.create(alasan="Dukcapil menjawab: IP tidak terdaftar / tidak sesuai", kode="04")
    permohonan = permohonan_open(operator=ready_petugas, jenis=Jenis.AK1)
    url = reverse("layanan:periksa", args=[permohonan.pk]) if page == "periksa" else reverse("layanan:daftar")
    response = verified_client(ready_petugas).get(url)
    body = response.content.decode()
    assert response.status_code == 200 and 'id="kuota"' in body and "dihentikan" in body
    assert _no_store(response), response["Cache-Control"]
