"""What the simulated gateway answers: switches, quota, lookups and balikan.

No sockets here: `SimState.answer_lookup` and `SimState.answer_balikan` turn a
request into a `Reply`; `server.py` puts it on the wire. All state sits behind
one lock, so the threaded server may call in from any thread.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import threading
from dataclasses import dataclass, field, fields, replace
from typing import Any

from dukcapil_sim import population

# The gateway's own texts per code: the guideline's spelling and a spelling
# seen in the wild (docs/dukcapil-web-service.md section 1).
TEXTS: dict[str, tuple[str, str]] = {
    "03": ("Gagal Login", "Login Gagal"),
    "04": ("IP tidak terdaftar", "IP Client  Tidak terdaftar"),
    "05": ("Kuota akses hari ini telah habis", "Kuota Akses Hari Ini Telah Habis"),
    "06": ("Di luar waktu akses", "Di Luar Waktu Akses"),
    "07": ("Parameter tidak lengkap", "Parameter Tidak Lengkap"),
    "08": ("NIK tidak dapat diproses", "NIK Tidak Dapat Diproses"),
    "09": ("Parameter tidak lengkap", "PARAMETER TIDAK LENGKAP"),
    "10": ("IP tidak sesuai", "IP Client Tidak Sesuai"),
    "11": ("Data Ditemukan, Meninggal Dunia", "Data Ditemukan,  Meninggal Dunia"),
    "12": ("Data Ditemukan, Data Ganda", "DATA DITEMUKAN, DATA GANDA"),
    "13": (
        "Data tidak ditemukan, NIK tidak terdapat di database kependudukan",
        "Data Tidak Ditemukan, NIK tidak terdapat di database Kependudukan",
    ),
    "14": (
        "Data Ditemukan, Status Non Aktif silahkan hubungi Dinas Dukcapil",
        "Data Ditemukan, Status Tidak Aktif silakan hubungi Dinas Dukcapil",
    ),
    "15": (
        "Data tidak ditemukan, NIK tidak sesuai format Dukcapil",
        "Data Tidak Ditemukan, NIK Tidak Sesuai Format Dukcapil",
    ),
    "16": ("Instansi tidak aktif", "Instansi Tidak Aktif"),
    "17": ("User ID non aktif, silahkan menghubungi Admin", "User ID Tidak Aktif"),
}

HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
    b"<body><h1>Bad Gateway</h1><p>nginx</p></body></html>"
)
TRUNCATED_JSON = b'{"content": [{"NIK": "33030115058500'
MAX_BODY = 1024 * 1024
_WIB = dt.timezone(dt.timedelta(hours=7))  # Asia/Jakarta: no daylight saving
_TIMEOUT_DEFAULT_S = 20.0  # longer than the client's default 15 s
_KEY_ALIASES = {"nik": "nik", "user_id": "user_id", "password": "password",
                "ip_user": "ip_user", "ip_address": "ip_user"}


class ControlError(ValueError):
    """A control request named an unknown switch or gave it a bad value."""


@dataclass(frozen=True)
class Reply:
    """One answer. `hang_s` > 0: wait that long, then close without answering;
    `drop`: close without answering at once. `delay_s` is added latency.
    """

    status: int = 200
    content_type: str = "application/json"
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    delay_s: float = 0.0
    hang_s: float = 0.0
    drop: bool = False


def json_reply(status: int, payload: object) -> Reply:
    return Reply(status=status, body=json.dumps(payload).encode())


@dataclass(frozen=True)
class Switches:
    """The control switches; see `SimState.control` for their meaning."""

    latency_ms: int = 0
    timeout: float = 0.0
    drop: bool = False
    http500: bool = False
    html: bool = False
    malformed: bool = False
    empty: bool = False
    empty_content: bool = False
    raw: dict[str, Any] | None = None
    generation: str = "cycle"
    spelling: str = "guideline"
    institution_inactive: bool = False
    user_inactive: bool = False
    outside_hours: bool = False
    check_peer: bool = False
    quota: int = 200
    quota_limiter: bool = True
    fault_scope: str = "all"


_CHOICES = {
    "generation": ("cycle", "1", "2", "3"),
    "spelling": ("guideline", "variant"),
    "fault_scope": ("all", "lookup", "balikan"),
}


def _coerce(name: str, value: object) -> object:
    """Validate one switch value; raise ControlError."""
    if name == "timeout":
        if value is True:
            return _TIMEOUT_DEFAULT_S
        if value is False or value is None:
            return 0.0
        if isinstance(value, int | float) and value >= 0:
            return float(value)
    elif name in ("latency_ms", "quota"):
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
    elif name == "raw":
        if value is None:
            return None
        if isinstance(value, dict) and isinstance(value.get("body", ""), str):
            status = value.get("status", 200)
            ctype = value.get("content_type", "application/json")
            headers = value.get("headers", {})
            if (isinstance(status, int) and 100 <= status <= 599 and isinstance(ctype, str)
                    and isinstance(headers, dict)
                    and all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items())):
                return {"status": status, "content_type": ctype, "body": value.get("body", ""),
                        "headers": tuple(headers.items())}
    elif name in _CHOICES:
        if str(value) in _CHOICES[name]:
            return str(value)
    elif isinstance(value, bool):
        return value
    raise ControlError(f"nilai tidak sah untuk saklar {name!r}")


@dataclass
class _Counters:
    lookups: int = 0
    balikan: int = 0
    quota_used: int = 0
    quota_day: dt.date | None = None
    last_path: str = ""
    last_keys: list[str] = field(default_factory=list)
    balikan_seen: set[tuple[str, str]] = field(default_factory=set)


class SimState:
    """Credentials, switches, counters and the balikan store of one simulator."""

    def __init__(self, *, user_id: str, password: str, ip_user: str, quota: int,
                 balikan_token: str) -> None:
        self.user_id = user_id
        self.password = password
        self.ip_user = ip_user
        self.balikan_token = balikan_token
        self._defaults = Switches(quota=quota)
        self._lock = threading.Lock()
        self._switches = self._defaults
        self._counters = _Counters()

    # -- control ---------------------------------------------------------

    def control(self, switches: dict[str, object]) -> dict[str, object]:
        """Set switches; `reset=True` first restores defaults and zeroes counters.

        Switches: latency_ms (int, added to every answer), timeout (seconds or
        True for 20 s: hold the answer, then close without one), drop (close
        without answering), http500, html (200 with an HTML page), malformed
        (truncated JSON), empty (`{}`), empty_content (`{"content": []}`), raw
        ({"status", "content_type", "body", "headers"} served verbatim), generation
        ("cycle" by the NIK's serial, or "1" RESPON only, "2" RESPON+RESPONSE_CODE, "3"
        RESPONSE_CODE+RESPONSE_DESC+RESPONSE), spelling ("guideline" or
        "variant": the texts seen in the wild, codes as JSON numbers),
        institution_inactive (16), user_inactive (17), outside_hours (06),
        check_peer (10 when the socket's address is not ip_user), quota (daily,
        0 = unlimited), quota_limiter (send `quotaLimiter`), fault_scope
        ("all", "lookup", "balikan"). Raises ControlError; nothing changes then.
        Returns the switches now in force.
        """
        changes = dict(switches)
        reset = changes.pop("reset", False)
        known = {f.name for f in fields(Switches)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ControlError(f"saklar tidak dikenal: {', '.join(unknown)}")
        coerced = {name: _coerce(name, value) for name, value in changes.items()}
        with self._lock:
            if reset:
                self._switches = self._defaults
                self._counters = _Counters()
            self._switches = replace(self._switches, **coerced)  # type: ignore[arg-type]
            return {f.name: getattr(self._switches, f.name) for f in fields(Switches)}

    def stats(self) -> dict[str, object]:
        """Counters: lookups and balikan posts received, quota, the last path."""
        with self._lock:
            c, quota = self._counters, self._switches.quota
            return {
                "lookups": c.lookups,
                "balikan": c.balikan,
                "quota_used": c.quota_used,
                "quota_remaining": None if quota == 0 else max(quota - c.quota_used, 0),
                "last_path": c.last_path,
                "last_keys": list(c.last_keys),
                "balikan_records": len(c.balikan_seen),
            }

    def balikan_received(self) -> list[tuple[str, list[dict[str, object]]]]:
        """Every (NIK, param list) the balikan endpoint accepted, sorted."""
        with self._lock:
            return [(nik, json.loads(param)) for nik, param in sorted(self._counters.balikan_seen)]

    # -- lookup ----------------------------------------------------------

    def answer_lookup(self, path: str, body: bytes, peer: str) -> Reply:
        """The gateway's answer to one POST to a `.../call_nik` path."""
        with self._lock:
            sw, c = self._switches, self._counters
            c.lookups += 1
            c.last_path = path
            request = _json_object(body)
            c.last_keys = sorted(request) if request is not None else []
            fault = _fault(sw, "lookup")
            if fault is not None and not (fault.hang_s or fault.drop):
                return fault
            answer = self._lookup(sw, request, peer)
        if fault is not None:  # timeout and drop: processed (quota spent), never answered
            return fault
        return replace(answer, delay_s=sw.latency_ms / 1000)

    def _lookup(self, sw: Switches, request: dict[str, object] | None, peer: str) -> Reply:
        params: dict[str, object] = {}
        for key, value in (request or {}).items():
            alias = _KEY_ALIASES.get(key.lower())
            if alias is not None:
                params[alias] = value
        nik = params.get("nik")
        nik_text = str(nik).strip() if isinstance(nik, str | int) else ""
        # "cycle": by the NIK's serial (its last four digits), so neighbours differ.
        gen = sw.generation if sw.generation != "cycle" else (
            str(int(nik_text[-4:]) % 3 + 1) if nik_text.isdigit() else "1")

        def message(code: str) -> Reply:
            return self._envelope(sw, _message_item(code, gen, sw.spelling))

        if request is None or any(params.get(k) is None for k in ("nik", "user_id", "password", "ip_user")):
            return message("07")
        if any(params[k] == "" for k in ("nik", "user_id", "password", "ip_user")):
            return message("09")
        if not (_same(params["user_id"], self.user_id) and _same(params["password"], self.password)):
            return message("03")
        if params["ip_user"] != self.ip_user:
            return message("04")
        if sw.check_peer and peer != self.ip_user:
            return message("10")
        if sw.institution_inactive:
            return message("16")
        if sw.user_inactive:
            return message("17")
        if sw.outside_hours:
            return message("06")
        if not self._spend_quota(sw):
            return message("05")
        if len(nik_text) != 16 or not nik_text.isdigit():
            return message("15")
        found = population.person(nik_text)
        if found is None:
            return message("13")
        if found.outcome != "01":
            return message(found.outcome)
        item = found.record()
        item.update(_found_marker(gen))
        return self._envelope(sw, item)

    def _spend_quota(self, sw: Switches) -> bool:
        c = self._counters
        today = dt.datetime.now(_WIB).date()
        if c.quota_day != today:
            c.quota_day, c.quota_used = today, 0
        if sw.quota and c.quota_used >= sw.quota:
            return False
        c.quota_used += 1
        return True

    def _envelope(self, sw: Switches, item: dict[str, object]) -> Reply:
        payload: dict[str, object] = {
            "content": [item], "lastPage": True, "numberOfElements": 1, "sort": None,
            "totalElements": 1, "firstPage": True, "number": 0, "size": 1,
        }
        if sw.quota_limiter and sw.quota:
            payload["quotaLimiter"] = max(sw.quota - self._counters.quota_used, 0)
        return json_reply(200, payload)

    # -- balikan ---------------------------------------------------------

    def answer_balikan(self, path: str, authorization: str, body: bytes) -> Reply:
        """The balikan application's answer to one POST /data_balikan/public."""
        with self._lock:
            sw, c = self._switches, self._counters
            c.balikan += 1
            c.last_path = path
            fault = _fault(sw, "balikan")
            if fault is not None:
                return fault
            delay = sw.latency_ms / 1000
            if not _same(authorization, f"Bearer {self.balikan_token}"):
                return replace(json_reply(401, {"message": "Unauthenticated."}), delay_s=delay)
            records = _balikan_records(body)
            if records is None:
                return replace(json_reply(422, {"message": "Format data tidak valid"}), delay_s=delay)
            already = [r for r in records if r in c.balikan_seen]
            c.balikan_seen.update(records)
        if already:
            return replace(json_reply(400, {"message": "Data sudah pernah dikirim"}), delay_s=delay)
        return replace(json_reply(200, {"message": "Success"}), delay_s=delay)


def _same(given: object, expected: str) -> bool:
    return isinstance(given, str) and hmac.compare_digest(given.encode(), expected.encode())


def _json_object(body: bytes) -> dict[str, object] | None:
    try:
        value = json.loads(body) if body else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _message_item(code: str, gen: str, spelling: str) -> dict[str, object]:
    text = TEXTS[code][1 if spelling == "variant" else 0]
    # The variant gateways send the code as a JSON number ("04" becomes 4).
    wire_code: object = int(code) if spelling == "variant" else code
    if gen == "1":
        return {"RESPON": text}
    if gen == "2":
        return {"RESPON": text, "RESPONSE_CODE": wire_code}
    return {"RESPONSE_CODE": wire_code, "RESPONSE_DESC": text, "RESPONSE": "GAGAL"}


def _found_marker(gen: str) -> dict[str, object]:
    """The message keys a found record carries in each generation."""
    if gen == "1":
        return {}
    if gen == "2":
        return {"RESPON": "Data Ditemukan", "RESPONSE_CODE": "01"}
    return {"RESPONSE_CODE": "01", "RESPONSE_DESC": "Data Ditemukan", "RESPONSE": "SUKSES"}


def _fault(sw: Switches, endpoint: str) -> Reply | None:
    """The fault switched on for this endpoint, if any (first one wins)."""
    if sw.fault_scope not in ("all", endpoint):
        return None
    delay = sw.latency_ms / 1000
    if sw.raw is not None:
        return Reply(status=sw.raw["status"], content_type=sw.raw["content_type"],
                     body=sw.raw["body"].encode(), headers=sw.raw["headers"], delay_s=delay)
    if sw.drop:
        return Reply(drop=True, delay_s=delay)
    if sw.timeout:
        return Reply(hang_s=sw.timeout, delay_s=delay)
    if sw.http500:
        return Reply(status=500, content_type="text/plain", body=b"Internal Server Error",
                     delay_s=delay)
    if sw.html:
        return Reply(content_type="text/html; charset=utf-8", body=HTML_PAGE, delay_s=delay)
    if sw.malformed:
        return Reply(body=TRUNCATED_JSON, delay_s=delay)
    if sw.empty:
        return Reply(body=b"{}", delay_s=delay)
    if sw.empty_content and endpoint == "lookup":
        return Reply(body=b'{"content": [], "numberOfElements": 0, "totalElements": 0}',
                     delay_s=delay)
    return None


def _balikan_records(body: bytes) -> list[tuple[str, str]] | None:
    """(NIK, canonical param JSON) per record, or None when the shape is wrong.

    Shape: a non-empty array of {"id_lembaga": str, "nama_lembaga": str,
    "data": [{"NIK": 16 digits, "param": [{str: str | null}, ...]}, ...]}.
    """
    try:
        blocks = json.loads(body)
    except ValueError:
        return None
    if not isinstance(blocks, list) or not blocks:
        return None
    records: list[tuple[str, str]] = []
    for block in blocks:
        if not (isinstance(block, dict) and isinstance(block.get("id_lembaga"), str)
                and isinstance(block.get("nama_lembaga"), str)
                and isinstance(block.get("data"), list) and block["data"]):
            return None
        for entry in block["data"]:
            if not isinstance(entry, dict):
                return None
            nik, param = entry.get("NIK"), entry.get("param")
            if not (isinstance(nik, str) and len(nik) == 16 and nik.isdigit()):
                return None
            if not (isinstance(param, list) and param and all(
                    isinstance(p, dict) and all(isinstance(v, str | None) for v in p.values())
                    for p in param)):
                return None
            records.append((nik, json.dumps(param, sort_keys=True)))
    return records
