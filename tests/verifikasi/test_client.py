"""The lookup client over real HTTP against the simulator on loopback.

The corpus (answers written from the doc) is served verbatim through the
simulator's `raw` switch; everything else uses the simulator's population.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st
from pytest_django.fixtures import SettingsWrapper

from dukcapil_sim import (
    LOOKUP_PATH,
    NIK_ABOVE_2_53,
    NIK_BAD_FORMAT,
    NIK_DECEASED,
    NIK_DUPLICATE,
    NIK_FOUND,
    NIK_INACTIVE,
    NIK_NOT_FOUND,
    NIK_UNPROCESSABLE,
    NIK_UNREADABLE_DATE,
    SimServer,
    make_server,
    person,
    person_record,
)
from verifikasi.client import DEFAULT_KEYS, MAX_ANSWER_BYTES, ClientConfig, GatewayFault, _sex, nik_lookup
from verifikasi.elements import OUTCOME_TEXT, Alamat, Elemen, LookupResult, Outcome

CORPUS = Path(__file__).parent / "corpus"
CONTENT_TYPES = {".json": "application/json", ".html": "text/html; charset=utf-8", ".txt": "text/plain"}
CORPUS_NIK = "3303015505850002"
CORPUS_DROPPED = ("IBUQX CORPUSZQ", "AYAHQX CORPUSZQ", "3303019988112233", "3303019977112233",
                  "3303019966112233", "AL.QXCORPUS.ZQ", "DUSUN QXCORPUS ZQ", "ISLAM", "DIPLOMA")
USER_ID, PASSWORD = "sim-user", "sim-pass"


def corpus(prefix: str) -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.name.startswith(prefix) and p.suffix in CONTENT_TYPES)


@pytest.fixture(autouse=True)
def _fresh(sim: SimServer) -> None:
    sim.control(reset=True)


@pytest.fixture
def config(sim: SimServer) -> ClientConfig:
    return ClientConfig(url=sim.lookup_url, user_id=USER_ID, password=PASSWORD, ip_user="127.0.0.1", timeout=5)


def serve(sim: SimServer, path: Path) -> None:
    sim.control(raw={"status": 200, "content_type": CONTENT_TYPES[path.suffix], "body": path.read_text()})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- the corpus, from the doc ----------------------------------------------

SAME_MEANING = {"09": "07", "10": "04"}


MESSAGE_FILES = [p for p in corpus("") if p.name[:2].isdigit() and not p.name.startswith("01__")]


@pytest.mark.parametrize("path", MESSAGE_FILES, ids=lambda p: p.name)
def test_it_classifies_each_corpus_message_by_its_code_or_text(sim: SimServer, config: ClientConfig,
                                                                path: Path) -> None:
    serve(sim, path)
    code = path.name[:2]
    result = nik_lookup(nik=NIK_NOT_FOUND, config=config)
    assert result.outcome == Outcome(SAME_MEANING.get(code, code))
    assert result.message == OUTCOME_TEXT[result.outcome]
    assert result.elemen is None
    assert result.quota_limiter == (56616 if '"quotaLimiter"' in path.read_text() else None)


@pytest.mark.parametrize("path", corpus("01__"), ids=lambda p: p.name)
def test_it_reads_each_corpus_record(sim: SimServer, config: ClientConfig, path: Path) -> None:
    serve(sim, path)
    nik = "9171015505850002" if "above_2_53" in path.name else CORPUS_NIK
    result = nik_lookup(nik=nik, config=config)
    assert result.outcome is Outcome.FOUND
    assert result.message == OUTCOME_TEXT[Outcome.FOUND]
    assert result.elemen == Elemen(
        nik=nik,
        nama_lengkap="CORPUSQX ZQWATI",
        jenis_kelamin="PEREMPUAN",
        tempat_lahir="ZQCORPUS QXLAHIR",
        tanggal_lahir=None if "unreadable" in path.name else dt.date(1985, 5, 15),
        status_perkawinan="BELUM KAWIN",
        jenis_pekerjaan="KARYAWAN SWASTA",
        alamat=Alamat(alamat="JL. QXCORPUS ZQ NO. 9", prop_name="JAWA TENGAH", kab_name="PURBALINGGA",
                      no_kec="01", kec_name="ZQCORPUSKEC QX", kel_name="QXCORPUSKEL ZQ", no_rt="003",
                      no_rw="005"),
    )


@pytest.mark.parametrize("path", corpus("01__"), ids=lambda p: p.name)
def test_it_leaves_every_other_corpus_key_out_of_the_result(sim: SimServer, config: ClientConfig,
                                                            path: Path) -> None:
    serve(sim, path)
    nik = "9171015505850002" if "above_2_53" in path.name else CORPUS_NIK
    shown = repr(nik_lookup(nik=nik, config=config))
    assert [value for value in CORPUS_DROPPED if value in shown] == []


@pytest.mark.parametrize("path", corpus("fault-"), ids=lambda p: p.name)
def test_it_raises_each_corpus_fault_never_not_found(sim: SimServer, config: ClientConfig, path: Path) -> None:
    serve(sim, path)
    kind = path.name.removeprefix("fault-").split("__")[0]
    with pytest.raises(GatewayFault) as caught:
        nik_lookup(nik=CORPUS_NIK, config=config)
    assert caught.value.kind == kind


def test_it_covers_every_code_in_every_message_generation_in_the_corpus() -> None:
    names = {p.name for p in CORPUS.iterdir()}
    codes = ("03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16", "17")
    missing = [f"{code}__{gen}.json" for code in codes
               for gen in ("gen1_respon", "gen2_respon_code", "gen3_response_desc")
               if f"{code}__{gen}.json" not in names]
    assert missing == []


# -- the simulator's population --------------------------------------------


def expected_elemen(nik: str) -> Elemen:
    p = person(nik)
    assert p is not None
    return Elemen(
        nik=p.nik, nama_lengkap=p.nama, jenis_kelamin=p.jenis_kelamin, tempat_lahir=p.tempat_lahir,
        tanggal_lahir=None if p.date_style == "unreadable" else p.tanggal_lahir,
        status_perkawinan=p.status_kawin, jenis_pekerjaan=p.pekerjaan,
        alamat=Alamat(alamat=p.alamat, prop_name=p.prop_name, kab_name=p.kab_name, no_kec=p.no_kec,
                      kec_name=p.kec_name, kel_name=p.kel_name, no_rt=f"{p.rt:03d}", no_rw=f"{p.rw:03d}"),
    )


@pytest.mark.parametrize("nik", NIK_FOUND)
def test_it_reads_the_eight_elements_of_each_found_person(config: ClientConfig, nik: str) -> None:
    result = nik_lookup(nik=nik, config=config)
    assert (result.outcome, result.elemen) == (Outcome.FOUND, expected_elemen(nik))


@pytest.mark.parametrize("generation", ["1", "2", "3"])
def test_it_reads_a_found_record_in_each_message_generation(sim: SimServer, config: ClientConfig,
                                                            generation: str) -> None:
    sim.control(generation=generation)
    assert nik_lookup(nik=NIK_FOUND[1], config=config).elemen == expected_elemen(NIK_FOUND[1])


def test_it_keeps_a_nik_above_2_53_exact(config: ClientConfig) -> None:
    assert int(NIK_ABOVE_2_53) > 2**53
    result = nik_lookup(nik=NIK_ABOVE_2_53, config=config)
    assert result.elemen is not None and result.elemen.nik == NIK_ABOVE_2_53


def test_it_gives_none_for_an_unreadable_birth_date(config: ClientConfig) -> None:
    result = nik_lookup(nik=NIK_UNREADABLE_DATE, config=config)
    assert result.outcome is Outcome.FOUND
    assert result.elemen is not None and result.elemen.tanggal_lahir is None


def test_it_pads_rt_and_rw_to_three_digits(config: ClientConfig) -> None:
    assert person_record(NIK_FOUND[0])["NO_RT"] == 3
    result = nik_lookup(nik=NIK_FOUND[0], config=config)
    assert result.elemen is not None
    assert (result.elemen.alamat.no_rt, result.elemen.alamat.no_rw) == ("003", "005")


def test_it_gives_no_field_outside_the_eight_elements() -> None:
    assert [f.name for f in dataclasses.fields(Elemen)] == [
        "nik", "nama_lengkap", "jenis_kelamin", "tempat_lahir", "tanggal_lahir", "status_perkawinan",
        "jenis_pekerjaan", "alamat"]
    assert [f.name for f in dataclasses.fields(Alamat)] == [
        "alamat", "prop_name", "kab_name", "no_kec", "kec_name", "kel_name", "no_rt", "no_rw"]


@pytest.mark.parametrize("nik", NIK_FOUND)
def test_it_leaves_no_dropped_value_in_the_result(config: ClientConfig, nik: str) -> None:
    record = person_record(nik)
    dropped = [str(record[key]) for key in ("NAMA_LGKP_IBU", "NAMA_LGKP_AYAH", "NO_KK", "NIK_IBU", "NIK_AYAH",
                                            "DUSUN", "NO_AKTA_LHR", "AGAMA", "PDDK_AKH", "EKTP_STATUS")]
    shown = repr(nik_lookup(nik=nik, config=config))
    assert [value for value in dropped if value in shown] == []


MESSAGES = [
    (NIK_DECEASED, Outcome.DECEASED),
    (NIK_DUPLICATE, Outcome.DUPLICATE),
    (NIK_INACTIVE, Outcome.INACTIVE),
    (NIK_BAD_FORMAT, Outcome.BAD_FORMAT),
    (NIK_UNPROCESSABLE, Outcome.NIK_UNPROCESSABLE),
    (NIK_NOT_FOUND, Outcome.NOT_FOUND),
]


@pytest.mark.parametrize("spelling", ["guideline", "variant"])
@pytest.mark.parametrize("generation", ["1", "2", "3"])
@pytest.mark.parametrize(("nik", "outcome"), MESSAGES, ids=[o.name for _, o in MESSAGES])
def test_it_classifies_each_message_of_the_simulator(sim: SimServer, config: ClientConfig, nik: str,
                                                     outcome: Outcome, generation: str, spelling: str) -> None:
    sim.control(generation=generation, spelling=spelling)
    result = nik_lookup(nik=nik, config=config)
    assert (result.outcome, result.elemen, result.message) == (outcome, None, OUTCOME_TEXT[outcome])


SWITCHED = [
    ({"institution_inactive": True}, Outcome.INSTITUTION_INACTIVE),
    ({"user_inactive": True}, Outcome.USER_INACTIVE),
    ({"outside_hours": True}, Outcome.OUTSIDE_HOURS),
    ({"quota": 1}, Outcome.QUOTA_EXHAUSTED),
]


@pytest.mark.parametrize("spelling", ["guideline", "variant"])
@pytest.mark.parametrize(("switches", "outcome"), SWITCHED, ids=[o.name for _, o in SWITCHED])
def test_it_classifies_each_refusal_of_the_gateway(sim: SimServer, config: ClientConfig, switches: dict[str, object],
                                                   outcome: Outcome, spelling: str) -> None:
    sim.control(spelling=spelling, **switches)
    if outcome is Outcome.QUOTA_EXHAUSTED:
        nik_lookup(nik=NIK_NOT_FOUND, config=config)
    assert nik_lookup(nik=NIK_FOUND[0], config=config).outcome is outcome


def test_it_reports_a_wrong_password_as_login_failed(config: ClientConfig) -> None:
    result = nik_lookup(nik=NIK_FOUND[0], config=dataclasses.replace(config, password="salah"))
    assert result.outcome is Outcome.LOGIN_FAILED


def test_it_reports_a_wrong_ip_user_as_ip_refused(config: ClientConfig) -> None:
    result = nik_lookup(nik=NIK_FOUND[0], config=dataclasses.replace(config, ip_user="10.10.0.70"))
    assert result.outcome is Outcome.IP_REFUSED


def test_it_reports_a_key_spelling_the_gateway_lacks_as_incomplete(config: ClientConfig) -> None:
    result = nik_lookup(nik=NIK_FOUND[0], config=dataclasses.replace(config, keys={"nik": "nomor_nik"}))
    assert result.outcome is Outcome.INCOMPLETE_PARAMETERS


def test_it_passes_the_remaining_quota_on(config: ClientConfig) -> None:
    nik_lookup(nik=NIK_NOT_FOUND, config=config)
    assert nik_lookup(nik=NIK_FOUND[0], config=config).quota_limiter == 198


def test_it_gives_no_quota_when_the_gateway_sends_none(sim: SimServer, config: ClientConfig) -> None:
    sim.control(quota_limiter=False)
    assert nik_lookup(nik=NIK_FOUND[0], config=config).quota_limiter is None


# -- the request -----------------------------------------------------------


def test_it_sends_the_nik_in_the_body_never_in_the_url(sim: SimServer, config: ClientConfig) -> None:
    nik_lookup(nik=NIK_FOUND[0], config=config)
    assert sim.stats()["last_path"] == LOOKUP_PATH
    assert NIK_FOUND[0] not in str(sim.stats()["last_path"])


def test_it_sends_the_default_key_spelling(sim: SimServer, config: ClientConfig) -> None:
    nik_lookup(nik=NIK_FOUND[0], config=config)
    assert sim.stats()["last_keys"] == sorted(DEFAULT_KEYS.values())


@pytest.mark.parametrize("keys", [{"nik": "NIK"}, {"ip_user": "IP_USER"}, {"nik": "NIK", "ip_user": "IP_USER"},
                                  {"ip_user": "ip_address"}], ids=str)
def test_it_sends_the_configured_key_spelling_end_to_end(sim: SimServer, config: ClientConfig,
                                                         keys: dict[str, str]) -> None:
    result = nik_lookup(nik=NIK_FOUND[0], config=dataclasses.replace(config, keys=keys))
    assert result.outcome is Outcome.FOUND
    assert sim.stats()["last_keys"] == sorted({**DEFAULT_KEYS, **keys}.values())


def test_it_refuses_a_nik_that_is_not_16_digits_without_a_request(sim: SimServer, config: ClientConfig) -> None:
    with pytest.raises(ValueError, match="16 digit"):
        nik_lookup(nik="3303 0115 0585 0001", config=config)
    assert sim.stats()["lookups"] == 0


# -- faults ----------------------------------------------------------------

FAULTS: list[tuple[dict[str, object], str]] = [
    ({"http500": True}, "http_status"),
    ({"html": True}, "html"),
    ({"malformed": True}, "not_json"),
    ({"empty": True}, "empty"),
    ({"empty_content": True}, "empty"),
    ({"drop": True}, "connection"),
]


@pytest.mark.parametrize(("switches", "kind"), FAULTS, ids=[next(iter(s)) for s, _ in FAULTS])
def test_it_raises_each_simulated_fault(sim: SimServer, config: ClientConfig, switches: dict[str, object],
                                        kind: str) -> None:
    sim.control(**switches)
    with pytest.raises(GatewayFault) as caught:
        nik_lookup(nik=NIK_NOT_FOUND, config=config)
    assert caught.value.kind == kind


@pytest.mark.parametrize(("switches", "kind"), FAULTS, ids=[next(iter(s)) for s, _ in FAULTS])
def test_it_sends_exactly_one_request_per_fault(sim: SimServer, config: ClientConfig, switches: dict[str, object],
                                                kind: str) -> None:
    sim.control(**switches)
    with pytest.raises(GatewayFault):
        nik_lookup(nik=NIK_NOT_FOUND, config=config)
    assert sim.stats()["lookups"] == 1


def test_it_times_out_after_exactly_one_request(sim: SimServer, config: ClientConfig) -> None:
    sim.control(timeout=5)
    with pytest.raises(GatewayFault) as caught:
        nik_lookup(nik=NIK_FOUND[0], config=dataclasses.replace(config, timeout=0.3))
    assert (caught.value.kind, caught.value.permanent) == ("timeout", False)
    assert "0.3 detik" in caught.value.message and "tetap terhitung dalam kuota Dukcapil" in caught.value.message
    assert sim.stats()["lookups"] == 1


def test_it_reports_a_refused_connection_as_unspent(config: ClientConfig) -> None:
    url = f"http://127.0.0.1:{free_port()}{LOOKUP_PATH}"
    with pytest.raises(GatewayFault) as caught:
        nik_lookup(nik=NIK_FOUND[0], config=dataclasses.replace(config, url=url))
    assert caught.value.kind == "connection"
    assert "tidak terhitung di kuota Dukcapil" in caught.value.message


def test_it_reports_a_tls_failure_as_tls_not_not_found(sim: SimServer, config: ClientConfig) -> None:
    url = sim.lookup_url.replace("http://", "https://")
    with pytest.raises(GatewayFault) as caught:
        nik_lookup(nik=NIK_NOT_FOUND, config=dataclasses.replace(config, url=url))
    assert (caught.value.kind, caught.value.permanent) == ("tls", True)
    assert sim.stats()["lookups"] == 0


@pytest.mark.parametrize(("status", "permanent"), [(404, True), (401, True), (502, False), (503, False),
                                                   (429, False)])
def test_it_marks_http_status_faults_permanent_only_for_client_errors(sim: SimServer, config: ClientConfig,
                                                                      status: int, permanent: bool) -> None:
    sim.control(raw={"status": status, "body": '{"content": [{"RESPON": "Data tidak ditemukan"}]}'})
    with pytest.raises(GatewayFault) as caught:
        nik_lookup(nik=NIK_NOT_FOUND, config=config)
    assert (caught.value.kind, caught.value.http_status, caught.value.permanent) == ("http_status", status, permanent)


def test_it_does_not_follow_a_redirect(sim: SimServer, config: ClientConfig) -> None:
    sim.control(raw={"status": 307, "body": "", "headers": {"Location": sim.lookup_url}})
    with pytest.raises(GatewayFault) as caught:
        nik_lookup(nik=NIK_NOT_FOUND, config=config)
    assert caught.value.http_status == 307
    assert sim.stats()["lookups"] == 1


def test_it_reads_json_labelled_text_html(sim: SimServer, config: ClientConfig) -> None:
    body = (CORPUS / "13__gen2_respon_code.json").read_text()
    sim.control(raw={"status": 200, "content_type": "text/html; charset=UTF-8", "body": body})
    assert nik_lookup(nik=NIK_NOT_FOUND, config=config).outcome is Outcome.NOT_FOUND


def test_it_refuses_a_record_of_another_nik(sim: SimServer, config: ClientConfig) -> None:
    serve(sim, CORPUS / "01__record_strings_iso_33_keys.json")
    with pytest.raises(GatewayFault) as caught:
        nik_lookup(nik=NIK_FOUND[0], config=config)
    assert caught.value.kind == "malformed"


def test_it_refuses_two_records_for_one_nik(sim: SimServer, config: ClientConfig) -> None:
    record = (CORPUS / "01__record_strings_iso_33_keys.json").read_text()
    item = record[record.index("[") + 1:record.rindex("]")]
    sim.control(raw={"body": f'{{"content": [{item}, {item}]}}'})
    with pytest.raises(GatewayFault) as caught:
        nik_lookup(nik=CORPUS_NIK, config=config)
    assert caught.value.kind == "malformed"


def test_it_refuses_an_oversized_answer(sim: SimServer, config: ClientConfig) -> None:
    sim.control(raw={"body": '{"content": [{"RESPON": "' + "x" * MAX_ANSWER_BYTES + '"}]}'})
    with pytest.raises(GatewayFault) as caught:
        nik_lookup(nik=NIK_NOT_FOUND, config=config)
    assert caught.value.kind == "malformed"


def test_it_turns_a_fault_into_a_gateway_fault_result() -> None:
    fault = GatewayFault("empty", "Jawaban kosong.")
    assert fault.to_result() == LookupResult(outcome=Outcome.GATEWAY_FAULT, message="Jawaban kosong.", detail="empty")


# -- secrets and values stay out -------------------------------------------


def test_it_hides_credentials_in_the_config_repr(config: ClientConfig) -> None:
    shown = repr(config) + str(config)
    assert USER_ID not in shown and PASSWORD not in shown


ALL_FAULTS: list[tuple[dict[str, object], str]] = [
    *FAULTS,
    ({"timeout": 5}, "timeout"),
    ({"raw": {"body": '{"content": [{"RESPON": "QXBODYZQ"}]}'}}, "malformed"),
]


@pytest.mark.parametrize(("switches", "kind"), ALL_FAULTS, ids=[next(iter(s)) for s, _ in ALL_FAULTS])
def test_it_keeps_credentials_and_body_out_of_every_fault(sim: SimServer, config: ClientConfig,
                                                          switches: dict[str, object], kind: str) -> None:
    sim.control(**switches)
    secret = dataclasses.replace(config, user_id="QXUSERZQ-rahasia", password="QXPASSZQ-rahasia", timeout=0.3)
    with pytest.raises(GatewayFault) as caught:
        nik_lookup(nik=NIK_NOT_FOUND, config=secret)
    fault = caught.value
    shown = " ".join([str(fault), repr(fault), repr(fault.args), repr(vars(fault))])
    assert [s for s in ("QXUSERZQ", "QXPASSZQ", "QXBODYZQ", NIK_NOT_FOUND, "content") if s in shown] == []
    # No chained exception: the transport's would hold the request, and the request the password.
    assert (fault.__cause__, fault.__context__) == (None, None)


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_it_keeps_credentials_out_of_transport_faults(config: ClientConfig, scheme: str) -> None:
    port = free_port() if scheme == "http" else int(config.url.split(":")[2].split("/")[0])
    secret = dataclasses.replace(config, url=f"{scheme}://127.0.0.1:{port}{LOOKUP_PATH}",
                                 user_id="QXUSERZQ-rahasia", password="QXPASSZQ-rahasia")
    with pytest.raises(GatewayFault) as caught:
        nik_lookup(nik=NIK_NOT_FOUND, config=secret)
    shown = " ".join([str(caught.value), repr(caught.value), repr(caught.value.args)])
    assert "QXUSERZQ" not in shown and "QXPASSZQ" not in shown
    assert (caught.value.__cause__, caught.value.__context__) == (None, None)


def test_it_keeps_a_truncated_body_out_of_the_fault_chain(sim: SimServer, config: ClientConfig) -> None:
    sim.control(raw={"body": '{"content": [{"NAMA_LGKP": "QXBODYZQ'})
    with pytest.raises(GatewayFault) as caught:
        nik_lookup(nik=NIK_NOT_FOUND, config=config)
    assert caught.value.kind == "not_json"
    assert (caught.value.__cause__, caught.value.__context__) == (None, None)


def test_it_logs_no_value_nik_or_credential(sim: SimServer, config: ClientConfig,
                                            caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for nik in NIK_FOUND:
        nik_lookup(nik=nik, config=config)
    sim.control(malformed=True)
    with pytest.raises(GatewayFault):
        nik_lookup(nik=NIK_FOUND[0], config=config)
    values = {str(v) for nik in NIK_FOUND for v in person_record(nik).values() if len(str(v)) > 4}
    assert caplog.records
    assert [v for v in values | {PASSWORD, USER_ID} if v in caplog.text] == []


# -- configuration ---------------------------------------------------------


def test_it_builds_the_config_from_django_settings(settings: SettingsWrapper) -> None:
    settings.DUKCAPIL_NIK_URL = "https://172.16.160.43:8080/dukcapil/get_json/33-03/disnaker_3303/call_nik"
    settings.DUKCAPIL_USER_ID, settings.DUKCAPIL_PASSWORD = "u", "p"
    settings.DUKCAPIL_IP_USER = "10.10.0.70"
    settings.DUKCAPIL_TIMEOUT = 9.5
    settings.DUKCAPIL_CA_BUNDLE = None
    settings.DUKCAPIL_REQUEST_KEYS = {"nik": "NIK"}
    config = ClientConfig.from_settings()
    assert (config.url, config.user_id, config.password, config.ip_user, config.timeout, config.ca_bundle) == (
        settings.DUKCAPIL_NIK_URL, "u", "p", "10.10.0.70", 9.5, None)
    assert dict(config.keys) == {**DEFAULT_KEYS, "nik": "NIK"}


def test_it_has_no_timeout_default_of_its_own(settings: SettingsWrapper) -> None:
    with pytest.raises(TypeError, match="timeout"):
        ClientConfig(url="https://172.16.160.43:8080/call_nik", user_id="u", password="p",  # type: ignore[call-arg]
                     ip_user="10.10.0.70")
    settings.DUKCAPIL_NIK_URL = "https://172.16.160.43:8080/call_nik"
    settings.DUKCAPIL_USER_ID, settings.DUKCAPIL_PASSWORD, settings.DUKCAPIL_IP_USER = "u", "p", "10.10.0.70"
    settings.DUKCAPIL_TIMEOUT = 0  # refused, no longer replaced by a default of the client's own
    with pytest.raises(ImproperlyConfigured, match="Batas waktu"):
        ClientConfig.from_settings()


def test_it_names_missing_settings(settings: SettingsWrapper) -> None:
    settings.DUKCAPIL_NIK_URL = ""
    settings.DUKCAPIL_PASSWORD = "QXPASSZQ"
    with pytest.raises(ImproperlyConfigured, match="DUKCAPIL_NIK_URL") as caught:
        ClientConfig.from_settings()
    assert "QXPASSZQ" not in str(caught.value)


@pytest.mark.parametrize("change", [
    {"url": "ftp://172.16.160.43/call_nik"},
    {"url": "http://user:rahasia@172.16.160.43/call_nik"},
    {"timeout": 0},
    {"keys": {"nomor": "NIK"}},
    {"keys": {"nik": "user_id"}},
    {"ca_bundle": "/tidak/ada/ca.pem"},
], ids=str)
def test_it_refuses_a_bad_config(config: ClientConfig, change: dict[str, object]) -> None:
    with pytest.raises(ValueError) as caught:
        dataclasses.replace(config, **change)  # type: ignore[arg-type]
    assert "rahasia" not in str(caught.value)


@pytest.fixture(scope="module")
def tls_sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SimServer, str]]:
    """The simulator over HTTPS with a self-signed certificate for 127.0.0.1 (an "internal CA")."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl tidak tersedia untuk membuat sertifikat uji")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "ca.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    server = make_server(port=0, certfile=str(cert), keyfile=str(key)).start()
    yield server, str(cert)
    server.stop()


def test_it_refuses_a_certificate_of_an_unknown_ca(config: ClientConfig, tls_sim: tuple[SimServer, str]) -> None:
    server, _ = tls_sim
    with pytest.raises(GatewayFault) as caught:
        nik_lookup(nik=NIK_FOUND[0], config=dataclasses.replace(config, url=server.lookup_url))
    assert (caught.value.kind, caught.value.permanent) == ("tls", True)
    assert server.stats()["lookups"] == 0


def test_it_trusts_the_configured_ca_bundle(config: ClientConfig, tls_sim: tuple[SimServer, str]) -> None:
    server, ca_bundle = tls_sim
    tls = dataclasses.replace(config, url=server.lookup_url, ca_bundle=ca_bundle)
    assert nik_lookup(nik=NIK_FOUND[0], config=tls).outcome is Outcome.FOUND


def test_it_refuses_a_trusted_certificate_issued_for_another_host(config: ClientConfig,
                                                                   tls_sim: tuple[SimServer, str]) -> None:
    server, ca_bundle = tls_sim  # the certificate names 127.0.0.1 only
    before = server.stats()["lookups"]
    by_name = server.lookup_url.replace("127.0.0.1", "localhost")
    with pytest.raises(GatewayFault) as caught:
        nik_lookup(nik=NIK_FOUND[0], config=dataclasses.replace(config, url=by_name, ca_bundle=ca_bundle))
    assert caught.value.kind == "tls"
    assert server.stats()["lookups"] == before


def test_the_trusted_cas_are_loaded_once_per_process_and_per_bundle(config: ClientConfig,
                                                                      tls_sim: tuple[SimServer, str]) -> None:
    from verifikasi.client import _trust

    server, ca_bundle = tls_sim
    _trust.cache_clear()
    tls = dataclasses.replace(config, url=server.lookup_url, ca_bundle=ca_bundle)
    for _ in range(3):
        assert nik_lookup(nik=NIK_FOUND[0], config=tls).outcome is Outcome.FOUND
    assert _trust.cache_info().misses == 1 and _trust.cache_info().hits >= 3  # loaded once, used for each
    # The default trust is its own context: the internal CA does not leak into it.
    with pytest.raises(GatewayFault) as caught:
        nik_lookup(nik=NIK_FOUND[0], config=dataclasses.replace(tls, ca_bundle=None))
    assert caught.value.kind == "tls"
    assert _trust.cache_info().misses == 2


def test_an_unreadable_ca_bundle_is_a_configuration_error_before_anything_is_spent(
        config: ClientConfig, tmp_path: Path, settings) -> None:
    from django.core.exceptions import ImproperlyConfigured

    garbage = tmp_path / "ca.pem"
    garbage.write_text("bukan sertifikat")
    with pytest.raises(ValueError, match="tidak dapat dibaca"):
        dataclasses.replace(config, ca_bundle=str(garbage))
    settings.DUKCAPIL_NIK_URL, settings.DUKCAPIL_USER_ID = config.url, "u"
    settings.DUKCAPIL_PASSWORD, settings.DUKCAPIL_IP_USER = "p", "127.0.0.1"
    settings.DUKCAPIL_CA_BUNDLE = str(garbage)
    with pytest.raises(ImproperlyConfigured, match="CA bundle"):
        ClientConfig.from_settings()


def test_the_trust_never_writes_tls_keys_to_a_key_log(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from verifikasi.client import _trust

    monkeypatch.setenv("SSLKEYLOGFILE", str(tmp_path / "keys.log"))
    _trust.cache_clear()
    try:
        assert _trust(None).keylog_filename is None
    finally:
        _trust.cache_clear()


_SEX_BEFORE = {"L": "LAKI-LAKI", "LAKI LAKI": "LAKI-LAKI", "PRIA": "LAKI-LAKI", "P": "PEREMPUAN", "WANITA": "PEREMPUAN"}


@given(value=st.one_of(st.sampled_from(["L", "p", "Pria", "wanita", "Laki Laki", "LAKI-LAKI", "Perempuan", "X", ""]),
                       st.text(alphabet="LAKIPERMUNWlakiperm -.", max_size=12), st.integers(), st.none()))
def test_it_reads_jenis_kelamin_as_its_own_table_did(value: object) -> None:
    # The table written in the client before the spellings moved to `elements`.
    text = value.strip().upper() if isinstance(value, str) else ""
    assert _sex(value) == _SEX_BEFORE.get(text, text)
