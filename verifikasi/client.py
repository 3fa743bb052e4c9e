"""The Dukcapil NIK lookup client: the only code that talks to the gateway.

One POST per call, never retried (every request spends quota), always with a
timeout and TLS verification. The answer is validated here into the types of
`verifikasi.elements`: the eight permitted elements are read by name and
every other key (NO_KK, NAMA_LGKP_IBU, AGAMA, NIK_AYAH...) is left unread.
Wire format: docs/dukcapil-web-service.md section 1.

Nothing Dukcapil answers is logged or carried by an exception: `GatewayFault`
holds a fixed Indonesian message, a kind and a flag, never a body, a value or
a credential, and is raised with no chained cause or context.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import os
import re
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.utils import DEFAULT_CA_BUNDLE_PATH
from urllib3.connectionpool import HTTPConnectionPool
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import NameResolutionError, NewConnectionError, ReadTimeoutError
from urllib3.util.ssl_ import create_urllib3_context

from nik_structure import NIK_PATTERN
from verifikasi.elements import OUTCOME_TEXT, SEX_SPELLINGS, Alamat, Elemen, LookupResult, Outcome, parse_date

logger = logging.getLogger(__name__)

FaultKind = Literal["timeout", "connection", "http_status", "html", "not_json", "empty", "tls", "malformed"]

DEFAULT_KEYS: Mapping[str, str] = MappingProxyType(
    {"nik": "nik", "user_id": "user_id", "password": "password", "ip_user": "ip_user"}
)
# A found record is under 2 KB; anything far larger is not an answer.
MAX_ANSWER_BYTES = 256 * 1024

_INTEGER = re.compile(r"-?[0-9]+")


@dataclass(frozen=True)
class ClientConfig:
    """Where and as whom to ask. `repr()` hides `user_id` and `password`.

    `keys` maps the logical request fields (nik, user_id, password, ip_user)
    to the spelling this gateway expects (e.g. {"nik": "NIK", "ip_user":
    "ip_address"}); missing ones keep the default spelling. `timeout` is in
    seconds, for connecting and for each read. Raises ValueError
    for a URL that is not http(s) or carries credentials, a bad key mapping or
    timeout, a CA bundle path that does not exist (never quoting a value).
    """

    url: str
    user_id: str = field(repr=False)
    password: str = field(repr=False)
    ip_user: str
    timeout: float  # seconds; the deployment's value is settings.DUKCAPIL_TIMEOUT
    ca_bundle: str | None = None
    keys: Mapping[str, str] = field(default_factory=lambda: DEFAULT_KEYS)

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("Alamat layanan NIK Dukcapil harus URL http:// atau https://")
        if parts.username is not None or parts.password is not None:
            raise ValueError("Alamat layanan NIK Dukcapil tidak boleh memuat kredensial")
        if not (isinstance(self.timeout, int | float) and 0 < self.timeout < math.inf):
            raise ValueError("Batas waktu layanan NIK Dukcapil harus angka positif (detik)")
        unknown = set(self.keys) - set(DEFAULT_KEYS)
        if unknown:
            raise ValueError(f"Nama kunci permintaan tidak dikenal: {', '.join(sorted(unknown))}")
        keys = {**DEFAULT_KEYS, **self.keys}
        if not all(isinstance(v, str) and v for v in keys.values()) or len(set(keys.values())) != 4:
            raise ValueError("Ejaan kunci permintaan harus teks, tidak kosong, dan berbeda satu sama lain")
        object.__setattr__(self, "keys", MappingProxyType(keys))
        object.__setattr__(self, "ca_bundle", self.ca_bundle or None)
        if self.ca_bundle is not None and not os.path.exists(self.ca_bundle):
            raise ValueError("Berkas CA bundle layanan NIK Dukcapil tidak ditemukan")
        if self.ca_bundle is not None:
            try:
                _trust(self.ca_bundle)
            except (ssl.SSLError, OSError):
                raise ValueError("Berkas CA bundle layanan NIK Dukcapil tidak dapat dibaca sebagai sertifikat "
                                 "PEM") from None

    def __repr__(self) -> str:
        return (
            f"ClientConfig(url={self.url!r}, user_id='***', password='***', "
            f"ip_user={self.ip_user!r}, timeout={self.timeout!r}, "
            f"ca_bundle={self.ca_bundle!r}, keys={dict(self.keys)!r})"
        )

    @classmethod
    def from_settings(cls) -> ClientConfig:
        """Build from Django settings `DUKCAPIL_NIK_URL`, `DUKCAPIL_USER_ID`,
        `DUKCAPIL_PASSWORD`, `DUKCAPIL_IP_USER` (required), `DUKCAPIL_TIMEOUT`
        (its default is settings.py's), `DUKCAPIL_CA_BUNDLE`, `DUKCAPIL_REQUEST_KEYS`
        (optional).

        Raises ImproperlyConfigured naming what is missing or wrong.
        """
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured

        required = ("DUKCAPIL_NIK_URL", "DUKCAPIL_USER_ID", "DUKCAPIL_PASSWORD", "DUKCAPIL_IP_USER")
        missing = [name for name in required if not getattr(settings, name, None)]
        if missing:
            raise ImproperlyConfigured(f"Pengaturan Dukcapil belum diisi: {', '.join(missing)}")
        error: str | None = None
        try:
            return cls(
                url=settings.DUKCAPIL_NIK_URL,
                user_id=settings.DUKCAPIL_USER_ID,
                password=settings.DUKCAPIL_PASSWORD,
                ip_user=settings.DUKCAPIL_IP_USER,
                timeout=float(settings.DUKCAPIL_TIMEOUT),
                ca_bundle=getattr(settings, "DUKCAPIL_CA_BUNDLE", None) or None,
                keys=getattr(settings, "DUKCAPIL_REQUEST_KEYS", None) or DEFAULT_KEYS,
            )
        except (TypeError, ValueError) as exc:
            error = str(exc) if isinstance(exc, ValueError) else "jenis nilai tidak sah"
        raise ImproperlyConfigured(f"Pengaturan Dukcapil tidak sah: {error}")


class GatewayFault(Exception):
    """The gateway gave no answer the portal can read. Never "not found".

    `kind`: timeout, connection, http_status, html, not_json, empty, tls or
    malformed. `message`: Indonesian, for the counter officer. `permanent`:
    trying again later will not help until configuration or code changes.
    `http_status` is set for kind "http_status". Carries no response body,
    no value and no credential.
    """

    def __init__(
        self, kind: FaultKind, message: str, *, permanent: bool = False, http_status: int | None = None
    ) -> None:
        super().__init__(message)
        self.kind: FaultKind = kind
        self.message = message
        self.permanent = permanent
        self.http_status = http_status

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"GatewayFault(kind={self.kind!r}, permanent={self.permanent!r})"

    def to_result(self) -> LookupResult:
        """The fault as a lookup result: the readable message, the kind as detail."""
        return LookupResult(outcome=Outcome.GATEWAY_FAULT, message=self.message, detail=self.kind)


# What the fault means for Dukcapil's own count; the portal's count always includes the attempt.
_COUNTED = "Permintaan ini tetap terhitung dalam kuota Dukcapil."
_MAYBE_COUNTED = "Permintaan ini mungkin sudah terhitung dalam kuota Dukcapil."
_NOT_COUNTED = "Permintaan ini tidak sampai ke Dukcapil, jadi tidak terhitung di kuota Dukcapil."


def _malformed(reason: str) -> GatewayFault:
    """An answer in no shape the doc describes; `reason` is the portal's own words."""
    return GatewayFault(
        "malformed",
        f"Jawaban layanan Dukcapil tidak sesuai format yang dikenal portal ({reason}). "
        f"{_MAYBE_COUNTED} Laporkan ke admin.",
        permanent=True,
    )


def nik_lookup(*, nik: str, config: ClientConfig) -> LookupResult:
    """Ask the gateway about one NIK: one POST, no retry.

    Returns a `LookupResult` for every answer Dukcapil gave: FOUND with the
    eight elements, or one of the message outcomes (not found, deceased,
    login failed, quota...) with `OUTCOME_TEXT[outcome]` as its message, and
    `quota_limiter` when the gateway sent it.

    Raises GatewayFault when there is no readable answer (timeout, connection,
    TLS, non-200, HTML, non-JSON, empty, unknown message, record without or
    with another NIK), and ValueError when `nik` is not 16 digits (the caller
    checks it locally first).
    """
    if not NIK_PATTERN.fullmatch(nik):
        raise ValueError("NIK harus 16 digit angka")
    started = time.monotonic()
    try:
        result = _read_answer(_exchange(config, nik), nik)
    except GatewayFault as fault:
        logger.warning(
            "dukcapil lookup fault kind=%s http_status=%s elapsed_ms=%d",
            fault.kind, fault.http_status, (time.monotonic() - started) * 1000,
        )
        raise
    logger.info(
        "dukcapil lookup outcome=%s elapsed_ms=%d", result.outcome.value, (time.monotonic() - started) * 1000
    )
    return result


# -- transport -------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _trust(ca_bundle: str | None) -> ssl.SSLContext:
    """The CAs this process trusts for the gateway, loaded once per process.

    requests would load the bundle into a fresh context for every connection
    (about 35 ms of CPU per lookup with the default bundle). The context
    requires a certificate and checks the host name; a changed bundle file
    takes effect when the portal restarts.
    """
    context = create_urllib3_context(cert_reqs=ssl.CERT_REQUIRED)
    context.keylog_filename = None  # type: ignore[assignment]  # never honour SSLKEYLOGFILE: keys would decrypt answers
    location = ca_bundle or DEFAULT_CA_BUNDLE_PATH
    if os.path.isdir(location):
        context.load_verify_locations(capath=location)
    else:
        context.load_verify_locations(cafile=location)
    return context


class _GatewayAdapter(HTTPAdapter):
    """No retry of any kind (each request sent spends quota); TLS trust from `_trust`."""

    def __init__(self, trust: ssl.SSLContext) -> None:
        self._trust = trust
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: object, **kwargs: object) -> None:
        kwargs["ssl_context"] = self._trust
        super().init_poolmanager(*args, **kwargs)  # type: ignore[arg-type]

    def cert_verify(self, conn: HTTPConnectionPool, url: str, verify: bool | str, cert: object) -> None:
        # Verification always on; the CAs are already in the context, so none are loaded again here.
        conn.cert_reqs = "CERT_REQUIRED"  # type: ignore[attr-defined]
        conn.ca_certs = None  # type: ignore[attr-defined]
        conn.ca_cert_dir = None  # type: ignore[attr-defined]


def _exchange(config: ClientConfig, nik: str) -> bytes:
    """POST the request; the body of a 200 answer, else GatewayFault."""
    keys = config.keys
    payload = {
        keys["nik"]: nik,
        keys["user_id"]: config.user_id,
        keys["password"]: config.password,
        keys["ip_user"]: config.ip_user,
    }
    seconds = f"{config.timeout:g}"
    fault: GatewayFault | None = None
    chunks: list[bytes] = []
    size = 0
    try:
        with requests.Session() as session:
            # Only this config decides: no proxy, CA or .netrc from the environment.
            session.trust_env = False
            # A new connection per lookup (no pooled connection can go stale after the quota is spent).
            adapter = _GatewayAdapter(_trust(config.ca_bundle))
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            with session.post(
                config.url,
                json=payload,
                headers={"Accept": "application/json", "User-Agent": "disnaker-portal"},
                timeout=config.timeout,
                verify=True,  # the CAs: `_trust(config.ca_bundle)`
                allow_redirects=False,
                stream=True,
            ) as response:
                if response.status_code != 200:
                    fault = _status_fault(response.status_code)
                else:
                    for chunk in response.raw.stream(64 * 1024, decode_content=True):
                        size += len(chunk)
                        if size > MAX_ANSWER_BYTES:
                            fault = _malformed("jawaban terlalu besar")
                            break
                        chunks.append(chunk)
    except requests.exceptions.SSLError:
        fault = GatewayFault(
            "tls",
            "Sambungan aman (TLS) ke layanan Dukcapil gagal: sertifikat tidak dapat diverifikasi "
            f"atau layanan tidak memakai TLS. {_NOT_COUNTED} Hubungi admin untuk memeriksa alamat "
            "layanan dan CA bundle.",
            permanent=True,
        )
    except requests.exceptions.ConnectTimeout:
        fault = GatewayFault(
            "connection",
            f"Layanan Dukcapil tidak dapat dihubungi dalam {seconds} detik. {_NOT_COUNTED} "
            "Periksa jaringan ke Dukcapil.",
        )
    except (requests.exceptions.Timeout, ReadTimeoutError):
        fault = GatewayFault(
            "timeout",
            f"Layanan Dukcapil tidak menjawab dalam {seconds} detik (batas waktu). {_COUNTED} "
            "Coba lagi beberapa saat lagi.",
        )
    except requests.exceptions.ConnectionError as exc:
        if _never_sent(exc):
            fault = GatewayFault(
                "connection",
                "Layanan Dukcapil tidak dapat dihubungi (sambungan ditolak atau alamat tidak "
                f"ditemukan). {_NOT_COUNTED} Periksa jaringan ke Dukcapil.",
            )
        else:
            fault = _broken_connection()
    except (requests.exceptions.RequestException, Urllib3Error, OSError):
        fault = _broken_connection()
    # Raised here, outside the handlers, so the fault has no __context__: the
    # transport's exception holds the request, and the request the password.
    if fault is not None:
        raise fault
    return b"".join(chunks)


def _never_sent(exc: requests.exceptions.ConnectionError) -> bool:
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError | NameResolutionError)


def _broken_connection() -> GatewayFault:
    return GatewayFault(
        "connection", f"Sambungan ke layanan Dukcapil terputus sebelum ada jawaban. {_MAYBE_COUNTED}"
    )


def _status_fault(status: int) -> GatewayFault:
    transient = status >= 500 or status in (408, 429)
    advice = "Gangguan di sisi Dukcapil; coba lagi nanti." if transient else (
        "Hubungi admin untuk memeriksa alamat dan akses layanan."
    )
    return GatewayFault(
        "http_status",
        f"Layanan Dukcapil menjawab dengan status HTTP {status}, bukan jawaban data. "
        f"{_MAYBE_COUNTED} {advice}",
        permanent=not transient,
        http_status=status,
    )


# -- answer ----------------------------------------------------------------

_CODES: dict[str, Outcome] = {
    "01": Outcome.FOUND,
    "03": Outcome.LOGIN_FAILED,
    "04": Outcome.IP_REFUSED,
    "05": Outcome.QUOTA_EXHAUSTED,
    "06": Outcome.OUTSIDE_HOURS,
    "07": Outcome.INCOMPLETE_PARAMETERS,
    "08": Outcome.NIK_UNPROCESSABLE,
    "09": Outcome.INCOMPLETE_PARAMETERS,
    "10": Outcome.IP_REFUSED,
    "11": Outcome.DECEASED,
    "12": Outcome.DUPLICATE,
    "13": Outcome.NOT_FOUND,
    "14": Outcome.INACTIVE,
    "15": Outcome.BAD_FORMAT,
    "16": Outcome.INSTITUTION_INACTIVE,
    "17": Outcome.USER_INACTIVE,
}
_AKTIF = r"\b(non|tidak)[ -]?aktif\b"
# Searched in order over the lowercased text with runs of spaces collapsed:
# the specific meanings before the general ones.
_TEXTS: tuple[tuple[re.Pattern[str], Outcome], ...] = tuple(
    (re.compile(pattern), outcome)
    for pattern, outcome in (
        (r"\buser ?id\b.*" + _AKTIF, Outcome.USER_INACTIVE),
        (r"\binstansi\b.*" + _AKTIF, Outcome.INSTITUTION_INACTIVE),
        (r"\bstatus\b.*" + _AKTIF, Outcome.INACTIVE),
        (r"\bmeninggal\b", Outcome.DECEASED),
        (r"\bganda\b", Outcome.DUPLICATE),
        (r"\btidak sesuai format\b", Outcome.BAD_FORMAT),
        (r"\bnik tidak terdapat\b|^data tidak ditemukan\W*$", Outcome.NOT_FOUND),
        (r"\bgagal login\b|\blogin gagal\b", Outcome.LOGIN_FAILED),
        (r"\bip\b.*\btidak (terdaftar|sesuai)\b", Outcome.IP_REFUSED),
        (r"\bkuota\b.*\bhabis\b", Outcome.QUOTA_EXHAUSTED),
        (r"\bdi ?luar (jam|waktu) akses\b", Outcome.OUTSIDE_HOURS),
        (r"\bparameter\b.*\btidak lengkap\b", Outcome.INCOMPLETE_PARAMETERS),
        (r"\btidak dapat di ?proses\b", Outcome.NIK_UNPROCESSABLE),
        (r"^data ditemukan\W*$", Outcome.FOUND),
    )
)
_MESSAGE_KEYS = ("RESPON", "RESPONSE_DESC", "RESPONSE")
_INVALID = object()


def _refuse_constant(name: str) -> object:
    raise ValueError(name)


def _read_answer(body: bytes, nik: str) -> LookupResult:
    """Validate a 200 answer into a LookupResult, or raise GatewayFault.

    The body decides, not Content-Type: some gateways label JSON `text/html`.
    """
    if body.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"<":
        raise GatewayFault(
            "html",
            "Layanan Dukcapil mengirim halaman web (HTML), bukan jawaban data; kemungkinan "
            f"gangguan pada gateway. {_MAYBE_COUNTED}",
        )
    empty = GatewayFault(
        "empty", f"Jawaban layanan Dukcapil kosong: tidak ada data maupun pesan. {_MAYBE_COUNTED}"
    )
    if not body.strip():
        raise empty
    try:
        # Numbers stay their own digits: a NIK above 2^53 never becomes a float.
        data = json.loads(body, parse_int=str, parse_float=str, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        data = _INVALID
    if data is _INVALID:
        raise GatewayFault(
            "not_json", f"Jawaban layanan Dukcapil tidak dapat dibaca (bukan JSON yang utuh). {_MAYBE_COUNTED}"
        )
    if data in ({}, [], None, ""):
        raise empty
    if not isinstance(data, dict):
        raise _malformed("bukan objek JSON")
    content = data.get("content")
    if content in (None, []) or content == [{}]:
        raise empty
    if not isinstance(content, list):
        raise _malformed("isi 'content' bukan daftar")
    if len(content) != 1:
        raise _malformed("lebih dari satu data untuk satu NIK")
    item = content[0]
    if not isinstance(item, dict):
        raise _malformed("isi 'content' bukan objek")
    quota = data.get("quotaLimiter")
    quota_limiter = int(quota) if isinstance(quota, str) and _INTEGER.fullmatch(quota.strip()) else None
    outcome, code = _outcome(item)
    elemen = _elemen(item, nik) if outcome is Outcome.FOUND else None
    return LookupResult(outcome=outcome, elemen=elemen, message=OUTCOME_TEXT[outcome], quota_limiter=quota_limiter,
                        gateway_code=code)


def _outcome(item: dict[str, object]) -> tuple[Outcome, str]:
    """By RESPONSE_CODE when it is a known code, else by the message text; with the known code
    as sent ("" without one): 04 and 10 share a category but need different fixes."""
    raw_code = item.get("RESPONSE_CODE")
    code = None
    if isinstance(raw_code, str) and re.fullmatch(r"[0-9]{1,3}", raw_code.strip()):
        code = f"{int(raw_code):02d}"
        if code in _CODES:
            return _CODES[code], code
    for key in _MESSAGE_KEYS:
        text = item.get(key)
        if isinstance(text, str):
            normal = " ".join(text.split()).lower()
            for pattern, outcome in _TEXTS:
                if pattern.search(normal):
                    return outcome, ""
    if code is not None:
        raise _malformed(f"kode jawaban {code} tidak dikenal")
    if "NIK" in item:  # a plain record, without any message
        return Outcome.FOUND, ""
    raise _malformed("pesan tidak dikenal")


def _elemen(item: dict[str, object], requested: str) -> Elemen:
    """The eight permitted elements, read by name; every other key stays unread."""
    value = item.get("NIK")
    nik = value.strip() if isinstance(value, str) else ""
    if not NIK_PATTERN.fullmatch(nik):
        raise _malformed("data tanpa NIK yang sah")
    if nik != requested:
        raise _malformed("NIK pada jawaban berbeda dengan NIK yang diminta")
    tgl_lhr = item.get("TGL_LHR")
    return Elemen(
        nik=nik,
        nama_lengkap=_text(item.get("NAMA_LGKP")),
        jenis_kelamin=_sex(item.get("JENIS_KLMIN")),
        tempat_lahir=_text(item.get("TMPT_LHR")),
        tanggal_lahir=parse_date(tgl_lhr) if isinstance(tgl_lhr, str) else None,
        status_perkawinan=_text(item.get("STATUS_KAWIN")),
        jenis_pekerjaan=_text(item.get("JENIS_PKRJN")),
        alamat=Alamat(
            alamat=_text(item.get("ALAMAT")),
            prop_name=_text(item.get("PROP_NAME")),
            kab_name=_text(item.get("KAB_NAME")),
            no_kec=_padded(item.get("NO_KEC"), 2),
            kec_name=_text(item.get("KEC_NAME")),
            kel_name=_text(item.get("KEL_NAME")),
            no_rt=_padded(item.get("NO_RT"), 3),
            no_rw=_padded(item.get("NO_RW"), 3),
        ),
    )


def _text(value: object) -> str:
    # Numbers arrive as their digit strings (parse_int=str); null, lists and
    # objects are no text.
    return value.strip() if isinstance(value, str) else ""


def _padded(value: object, width: int) -> str:
    text = _text(value)
    return text.zfill(width) if re.fullmatch(r"[0-9]+", text) else text


def _sex(value: object) -> str:
    text = _text(value).upper()
    return SEX_SPELLINGS.get(text, text)
