"""The Dukcapil simulator on its own, spoken to over raw HTTP (requests), not the client."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
import requests

from dukcapil_sim import (
    DEFAULT_BALIKAN_TOKEN,
    NIK_ABOVE_2_53,
    NIK_BAD_FORMAT,
    NIK_DECEASED,
    NIK_DUPLICATE,
    NIK_FOUND,
    NIK_INACTIVE,
    NIK_NOT_FOUND,
    NIK_UNPROCESSABLE,
    POPULATION,
    SAMPLE_NIKS,
    ControlError,
    SimServer,
    banner,
    distinctive_values,
    make_server,
    person_record,
)
from dukcapil_sim.gateway import TEXTS
from verifikasi.nik import nik_check

GOOD = {"nik": NIK_FOUND[0], "user_id": "sim-user", "password": "sim-pass", "ip_user": "127.0.0.1"}
BEARER = {"Authorization": f"Bearer {DEFAULT_BALIKAN_TOKEN}"}


@pytest.fixture(autouse=True)
def _fresh(sim: SimServer) -> None:
    sim.control(reset=True)


def ask(sim: SimServer, **changes: object) -> dict[str, Any]:
    """POST a lookup; the parsed envelope (numbers kept as their digits)."""
    body = {k: v for k, v in {**GOOD, **changes}.items() if v is not None}
    response = requests.post(sim.lookup_url, json=body, timeout=5)
    assert response.status_code == 200
    return json.loads(response.text, parse_int=str)  # type: ignore[no-any-return]


def item(sim: SimServer, **changes: object) -> dict[str, Any]:
    return ask(sim, **changes)["content"][0]  # type: ignore[no-any-return]


def code_of(answer: dict[str, Any]) -> str:
    """The code of a message item, whatever its generation (text for generation 1)."""
    if "RESPONSE_CODE" in answer:
        return f"{int(answer['RESPONSE_CODE']):02d}"
    return next(code for code, texts in TEXTS.items() if answer["RESPON"] in texts)


def balikan(nik: str = NIK_FOUND[0], **param: str) -> list[dict[str, Any]]:
    return [{"id_lembaga": "3303-DISNAKER", "nama_lembaga": "Dinas Tenaga Kerja Kabupaten Purbalingga",
             "data": [{"NIK": nik, "param": [{"KETERANGAN_PENCARI_KERJA": "AK/1 terbit", **param}]}]}]


# -- population ------------------------------------------------------------


def test_it_builds_the_same_population_in_every_process() -> None:
    script = ("import json; from dukcapil_sim import POPULATION; "
              "print(json.dumps([p.record() for p in POPULATION]))")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env)
    assert json.loads(out.stdout) == json.loads(json.dumps([p.record() for p in POPULATION]))


@pytest.mark.parametrize("nik", [p.nik for p in POPULATION] + [NIK_NOT_FOUND])
def test_it_gives_every_nik_a_valid_structure(nik: str) -> None:
    check = nik_check(nik)
    assert (check.valid, check.warnings) == (True, ())


@pytest.mark.parametrize("p", POPULATION, ids=lambda p: p.nik)
def test_it_writes_sex_and_birth_date_into_the_nik(p: Any) -> None:
    check = nik_check(p.nik)
    assert (check.sex_hint, check.birth_date_hint) == (p.jenis_kelamin, p.tanggal_lahir)


def test_it_keeps_the_nik_not_found_outside_the_population() -> None:
    assert NIK_NOT_FOUND not in {p.nik for p in POPULATION}


def test_it_has_a_person_for_every_outcome() -> None:
    outcomes = {p.nik: p.outcome for p in POPULATION}
    assert [outcomes[n] for n in (NIK_DECEASED, NIK_DUPLICATE, NIK_INACTIVE, NIK_BAD_FORMAT, NIK_UNPROCESSABLE)] == [
        "11", "12", "14", "15", "08"]
    assert len(NIK_FOUND) >= 5 and {outcomes[n] for n in NIK_FOUND} == {"01"}


def test_it_lives_in_purbalingga_and_elsewhere() -> None:
    assert {nik[:4] for nik in NIK_FOUND} >= {"3303", "3302", "3173", "9171"}


@pytest.mark.parametrize("nik", NIK_FOUND)
def test_it_serves_33_keys_per_found_record(nik: str) -> None:
    record = person_record(nik)
    assert len(record) == 33
    assert {"NO_KK", "NAMA_LGKP_IBU", "AGAMA", "NIK_AYAH", "NAMA_LGKP_AYAH", "GOL_DARAH", "PDDK_AKH",
            "EKTP_STATUS"} <= set(record)


def test_it_covers_every_value_style_and_date_format() -> None:
    found = [p for p in POPULATION if p.outcome == "01"]
    assert {p.value_style for p in found} == {"number", "string"}
    assert {p.date_style for p in found} == {"iso", "dmy_dash", "dmy_dot", "mon_en", "mon_id", "unreadable"}
    assert {person_record(n)["TGL_LHR"] for n in NIK_FOUND} >= {"1985-05-15", "17-08-1992", "02.03.2000",
                                                                "21-DEC-1988", "09-MEI-1995"}


def test_it_makes_every_distinctive_value_searchable() -> None:
    values = distinctive_values()
    odd = [v for v in values if not ("QX" in v or "ZQ" in v or ("99" in v and v.isdigit() and len(v) == 16))]
    assert values and odd == []


def test_it_lists_mothers_names_and_family_cards_as_distinctive() -> None:
    values = set(distinctive_values())
    for nik in NIK_FOUND:
        record = person_record(nik)
        assert {record["NAMA_LGKP_IBU"], str(record["NO_KK"]), record["NAMA_LGKP"]} <= values


def test_it_keeps_the_nik_out_of_distinctive_values() -> None:
    assert set(distinctive_values()) & {p.nik for p in POPULATION} == set()


# -- lookups ---------------------------------------------------------------


def test_it_answers_a_found_record_in_the_doc_envelope(sim: SimServer) -> None:
    answer = ask(sim)
    assert {"content", "lastPage", "numberOfElements", "sort", "totalElements", "firstPage", "number", "size",
            "quotaLimiter"} == set(answer)
    assert answer["content"][0]["NAMA_LGKP"] == person_record(NIK_FOUND[0])["NAMA_LGKP"]


def test_it_sends_a_nik_above_2_53_as_an_exact_json_number(sim: SimServer) -> None:
    text = requests.post(sim.lookup_url, json={**GOOD, "nik": NIK_ABOVE_2_53}, timeout=5).text
    assert f'"NIK": {NIK_ABOVE_2_53},' in text


@pytest.mark.parametrize(("nik", "code"), [(NIK_DECEASED, "11"), (NIK_DUPLICATE, "12"), (NIK_INACTIVE, "14"),
                                           (NIK_BAD_FORMAT, "15"), (NIK_UNPROCESSABLE, "08"),
                                           (NIK_NOT_FOUND, "13"), ("33030115058500", "15")])
def test_it_answers_each_message_outcome(sim: SimServer, nik: str, code: str) -> None:
    assert code_of(item(sim, nik=nik)) == code


@pytest.mark.parametrize(("generation", "keys"), [("1", {"RESPON"}), ("2", {"RESPON", "RESPONSE_CODE"}),
                                                  ("3", {"RESPONSE_CODE", "RESPONSE_DESC", "RESPONSE"})])
def test_it_serves_the_selected_message_generation(sim: SimServer, generation: str, keys: set[str]) -> None:
    sim.control(generation=generation)
    assert set(item(sim, nik=NIK_NOT_FOUND)) == keys


def test_it_cycles_message_generations_by_nik(sim: SimServer) -> None:
    niks = [NIK_DECEASED, NIK_DUPLICATE, NIK_INACTIVE, NIK_BAD_FORMAT, NIK_UNPROCESSABLE, NIK_NOT_FOUND]
    shapes = {nik: frozenset(item(sim, nik=nik)) for nik in niks}
    assert len(set(shapes.values())) == 3
    assert shapes == {nik: frozenset(item(sim, nik=nik)) for nik in niks}


def test_it_marks_found_records_with_code_01_in_later_generations(sim: SimServer) -> None:
    sim.control(generation="3")
    assert item(sim)["RESPONSE_CODE"] == "01"


def test_it_serves_wild_spellings_with_numeric_codes(sim: SimServer) -> None:
    sim.control(spelling="variant", generation="2")
    answer = item(sim, password="salah")
    assert (answer["RESPON"], answer["RESPONSE_CODE"]) == ("Login Gagal", "3")


@pytest.mark.parametrize("changes", [{"password": "salah"}, {"user_id": "orang-lain"}], ids=str)
def test_it_answers_03_for_wrong_credentials(sim: SimServer, changes: dict[str, str]) -> None:
    assert code_of(item(sim, **changes)) == "03"


def test_it_answers_04_for_a_wrong_ip_user(sim: SimServer) -> None:
    assert code_of(item(sim, ip_user="10.10.0.70")) == "04"


def test_it_answers_10_when_the_peer_is_not_the_ip_user() -> None:
    with make_server(port=0, ip_user="10.10.0.70") as other:
        other.control(check_peer=True)
        assert code_of(item(other, ip_user="10.10.0.70")) == "10"


@pytest.mark.parametrize("missing", ["nik", "user_id", "password", "ip_user"])
def test_it_answers_07_for_a_missing_parameter(sim: SimServer, missing: str) -> None:
    assert code_of(item(sim, **{missing: None})) == "07"


def test_it_answers_09_for_an_empty_parameter(sim: SimServer) -> None:
    assert code_of(item(sim, ip_user="")) == "09"


def test_it_answers_07_for_a_body_that_is_not_json(sim: SimServer) -> None:
    response = requests.post(sim.lookup_url, data=b"nik=3303", timeout=5)
    assert code_of(json.loads(response.text)["content"][0]) == "07"


@pytest.mark.parametrize(("switch", "code"), [("institution_inactive", "16"), ("user_inactive", "17"),
                                              ("outside_hours", "06")])
def test_it_answers_each_switched_refusal(sim: SimServer, switch: str, code: str) -> None:
    sim.control(**{switch: True})
    assert code_of(item(sim)) == code


@pytest.mark.parametrize("body", [
    {"NIK": NIK_FOUND[0], "user_id": "sim-user", "password": "sim-pass", "ip_user": "127.0.0.1"},
    {"nik": NIK_FOUND[0], "user_id": "sim-user", "password": "sim-pass", "IP_USER": "127.0.0.1"},
    {"nik": NIK_FOUND[0], "user_id": "sim-user", "password": "sim-pass", "ip_address": "127.0.0.1"},
], ids=lambda b: "+".join(sorted(b)))
def test_it_accepts_every_key_spelling_of_the_doc(sim: SimServer, body: dict[str, str]) -> None:
    answer = requests.post(sim.lookup_url, json=body, timeout=5).json()["content"][0]
    assert "NAMA_LGKP" in answer


def test_it_accepts_any_path_ending_in_call_nik(sim: SimServer) -> None:
    response = requests.post(sim.url + "/dukcapil/get_json/33-02/disnaker_3302/call_nik", json=GOOD, timeout=5)
    assert "NAMA_LGKP" in response.json()["content"][0]


def test_it_records_the_last_path_and_keys(sim: SimServer) -> None:
    requests.post(sim.lookup_url + "?x=1", json={**GOOD}, timeout=5)
    assert (sim.stats()["last_path"], sim.stats()["last_keys"]) == (
        "/dukcapil/get_json/33-03/disnaker_3303/call_nik?x=1", sorted(GOOD))


def test_it_answers_404_elsewhere(sim: SimServer) -> None:
    assert requests.post(sim.url + "/dukcapil/get_json/33-03/disnaker_3303/call_kk", json=GOOD, timeout=5
                         ).status_code == 404


# -- quota -----------------------------------------------------------------


def test_it_counts_the_quota_in_quota_limiter(sim: SimServer) -> None:
    remaining = [ask(sim, nik=nik)["quotaLimiter"] for nik in (NIK_FOUND[0], NIK_NOT_FOUND, NIK_DECEASED)]
    assert remaining == ["199", "198", "197"]


def test_it_answers_05_when_the_quota_is_spent(sim: SimServer) -> None:
    sim.control(quota=2)
    ask(sim)
    ask(sim)
    answer = ask(sim)
    assert (code_of(answer["content"][0]), answer["quotaLimiter"]) == ("05", "0")


def test_it_spends_no_quota_on_a_refused_login(sim: SimServer) -> None:
    ask(sim, password="salah")
    assert sim.stats()["quota_used"] == 0


def test_it_sends_no_quota_limiter_when_unlimited(sim: SimServer) -> None:
    sim.control(quota=0)
    assert "quotaLimiter" not in ask(sim)


def test_it_sends_no_quota_limiter_like_an_older_gateway(sim: SimServer) -> None:
    sim.control(quota_limiter=False)
    assert "quotaLimiter" not in ask(sim)


def test_it_counts_every_lookup_request_received(sim: SimServer) -> None:
    ask(sim)
    ask(sim, password="salah")
    sim.control(http500=True)
    requests.post(sim.lookup_url, json=GOOD, timeout=5)
    assert sim.stats()["lookups"] == 3


# -- faults ----------------------------------------------------------------


@pytest.mark.parametrize(("switch", "status", "body_start"), [
    ("http500", 500, b"Internal"),
    ("html", 200, b"<!DOCTYPE html>"),
    ("malformed", 200, b'{"content": [{"NIK": "3303'),
    ("empty", 200, b"{}"),
    ("empty_content", 200, b'{"content": []'),
])
def test_it_serves_each_answer_fault(sim: SimServer, switch: str, status: int, body_start: bytes) -> None:
    sim.control(**{switch: True})
    response = requests.post(sim.lookup_url, json=GOOD, timeout=5)
    assert (response.status_code, response.content[:len(body_start)]) == (status, body_start)


def test_it_serves_a_malformed_body_that_is_not_json(sim: SimServer) -> None:
    sim.control(malformed=True)
    with pytest.raises(ValueError):
        json.loads(requests.post(sim.lookup_url, json=GOOD, timeout=5).content)


def test_it_serves_a_raw_answer_verbatim(sim: SimServer) -> None:
    sim.control(raw={"status": 418, "content_type": "text/x-uji", "body": "apa adanya"})
    response = requests.post(sim.lookup_url, json=GOOD, timeout=5)
    assert (response.status_code, response.headers["Content-Type"], response.text) == (418, "text/x-uji",
                                                                                        "apa adanya")


def test_it_holds_the_answer_past_the_client_timeout(sim: SimServer) -> None:
    sim.control(timeout=5)
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(sim.lookup_url, json=GOOD, timeout=0.3)
    assert sim.stats()["lookups"] == 1


def test_it_drops_the_connection_without_an_answer(sim: SimServer) -> None:
    sim.control(drop=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.post(sim.lookup_url, json=GOOD, timeout=5)


def test_it_answers_normally_with_latency(sim: SimServer) -> None:
    sim.control(latency_ms=50)
    assert "NAMA_LGKP" in item(sim)


def test_it_applies_faults_only_to_the_scoped_endpoint(sim: SimServer) -> None:
    sim.control(http500=True, fault_scope="balikan")
    assert "NAMA_LGKP" in item(sim)


# -- control ---------------------------------------------------------------


def test_it_is_controlled_over_http(sim: SimServer) -> None:
    response = requests.post(sim.control_url, json={"html": True, "latency_ms": 0}, timeout=5)
    assert response.status_code == 200 and response.json()["html"] is True
    assert requests.post(sim.lookup_url, json=GOOD, timeout=5).text.startswith("<!DOCTYPE html>")


def test_it_reports_stats_over_http(sim: SimServer) -> None:
    ask(sim)
    stats = requests.get(sim.stats_url, timeout=5).json()
    assert (stats["lookups"], stats["balikan"]) == (1, 0)


def test_it_resets_switches_and_counters(sim: SimServer) -> None:
    sim.control(html=True, quota=5)
    requests.post(sim.lookup_url, json=GOOD, timeout=5)
    requests.post(sim.control_url, json={"reset": True}, timeout=5)
    assert (sim.stats()["lookups"], sim.control()["html"], sim.control()["quota"]) == (0, False, 200)


@pytest.mark.parametrize("switches", [{"kilat": True}, {"html": "ya"}, {"quota": -1}, {"generation": "4"},
                                      {"raw": {"status": 99}}], ids=str)
def test_it_refuses_a_bad_switch(sim: SimServer, switches: dict[str, object]) -> None:
    with pytest.raises(ControlError):
        sim.control(**switches)
    assert requests.post(sim.control_url, json=switches, timeout=5).status_code == 400


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.org"])  # noqa: S104
def test_it_refuses_to_bind_anything_but_loopback(host: str) -> None:
    with pytest.raises(ValueError, match="loopback"):
        make_server(host=host)


def test_it_never_logs_a_request_body(capsys: pytest.CaptureFixture[str]) -> None:
    with make_server(port=0, verbose=True) as loud:
        requests.post(loud.lookup_url, json=GOOD, timeout=5)
        requests.post(loud.url + "/tidak-ada", data=b"\x16\x03\x01 bukan http", timeout=5)
    err = capsys.readouterr().err
    assert "POST /dukcapil/get_json/33-03/disnaker_3303/call_nik 200" in err
    assert [s for s in (NIK_FOUND[0], "sim-pass", "bukan http") if s in err] == []


def test_it_prints_the_sample_niks_of_every_outcome(sim: SimServer) -> None:
    text = banner(sim)
    assert sim.lookup_url in text and "sim-user" in text
    assert all(nik in text for niks in SAMPLE_NIKS.values() for nik in niks)


# -- balikan ---------------------------------------------------------------


def test_it_accepts_new_balikan_data(sim: SimServer) -> None:
    response = requests.post(sim.balikan_url, json=balikan(), headers=BEARER, timeout=5)
    assert (response.status_code, response.json()) == (200, {"message": "Success"})


def test_it_answers_400_for_balikan_data_already_received(sim: SimServer) -> None:
    requests.post(sim.balikan_url, json=balikan(), headers=BEARER, timeout=5)
    response = requests.post(sim.balikan_url, json=balikan(), headers=BEARER, timeout=5)
    assert (response.status_code, response.json()) == (400, {"message": "Data sudah pernah dikirim"})


def test_it_accepts_another_param_for_the_same_nik(sim: SimServer) -> None:
    requests.post(sim.balikan_url, json=balikan(), headers=BEARER, timeout=5)
    response = requests.post(sim.balikan_url, json=balikan(PENEMPATAN_KERJA="PT QX"), headers=BEARER, timeout=5)
    assert response.status_code == 200


def test_it_keeps_the_new_records_of_a_batch_with_a_duplicate(sim: SimServer) -> None:
    requests.post(sim.balikan_url, json=balikan(), headers=BEARER, timeout=5)
    batch = balikan()
    batch[0]["data"].append({"NIK": NIK_FOUND[1], "param": [{"KETERANGAN_PENCARI_KERJA": "AK/1 terbit"}]})
    assert requests.post(sim.balikan_url, json=batch, headers=BEARER, timeout=5).status_code == 400
    assert [nik for nik, _ in sim.state.balikan_received()] == sorted([NIK_FOUND[0], NIK_FOUND[1]])


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer salah"}, {"Authorization": DEFAULT_BALIKAN_TOKEN}],
                         ids=str)
def test_it_answers_401_for_a_refused_token(sim: SimServer, headers: dict[str, str]) -> None:
    assert requests.post(sim.balikan_url, json=balikan(), headers=headers, timeout=5).status_code == 401


@pytest.mark.parametrize("body", [
    {"id_lembaga": "x"},
    [],
    [{"id_lembaga": "x", "nama_lembaga": "y", "data": [{"NIK": "3303", "param": [{}]}]}],
    [{"id_lembaga": "x", "nama_lembaga": "y", "data": [{"NIK": NIK_FOUND[0], "param": {"a": "b"}}]}],
    [{"nama_lembaga": "y", "data": [{"NIK": NIK_FOUND[0], "param": [{"a": "b"}]}]}],
], ids=["object", "empty", "short-nik", "param-object", "no-id"])
def test_it_answers_422_for_a_malformed_balikan_body(sim: SimServer, body: object) -> None:
    assert requests.post(sim.balikan_url, json=body, headers=BEARER, timeout=5).status_code == 422


def test_it_applies_faults_to_balikan(sim: SimServer) -> None:
    sim.control(http500=True)
    assert requests.post(sim.balikan_url, json=balikan(), headers=BEARER, timeout=5).status_code == 500


def test_it_counts_balikan_posts(sim: SimServer) -> None:
    requests.post(sim.balikan_url, json=balikan(), headers=BEARER, timeout=5)
    requests.post(sim.balikan_url, json=balikan(), headers={}, timeout=5)
    assert (sim.stats()["balikan"], sim.stats()["lookups"], sim.stats()["balikan_records"]) == (2, 0, 1)
