"""The simulator's HTTP side: a threaded server on loopback only.

Routes:
- `POST <any path ending in /call_nik>`: the NIK lookup.
- `POST /data_balikan/public`: the data balikan application.
- `POST /_sim/control`: JSON switches (see `SimState.control`), answers the
  switches in force; `GET /_sim/stats`: the counters.

Request bodies are never logged: `log_message` is silent and the optional
access line holds the method, the path and the status only.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from dukcapil_sim.gateway import MAX_BODY, ControlError, Reply, SimState, json_reply

LOOKUP_PATH = "/dukcapil/get_json/33-03/disnaker_3303/call_nik"
BALIKAN_PATH = "/data_balikan/public"
CONTROL_PATH = "/_sim/control"
STATS_PATH = "/_sim/stats"

# The simulator's own fake credentials, printed by `python -m dukcapil_sim`.
DEFAULT_USER_ID = "sim-user"
DEFAULT_PASSWORD = "sim-pass"  # noqa: S105
DEFAULT_IP_USER = "127.0.0.1"
DEFAULT_BALIKAN_TOKEN = "sim-balikan-token"  # noqa: S105

# How often the accept loop looks for `stop()`: socketserver's default 0.5 s made every stop
# (each test's teardown) wait up to half a second.
POLL_INTERVAL_S = 0.05


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], sim: SimServer) -> None:
        self.sim = sim
        super().__init__(address, _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that hangs up or refuses the certificate is expected; a bug is not.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class _HTTPServer6(_HTTPServer):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    server_version = "DukcapilSim/1.0"

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._send(json_reply(413, {"message": "Payload too large"}))
            return
        body = self.rfile.read(length) if length > 0 else b""
        state = self.server.sim.state
        route = urlsplit(self.path).path
        if route.endswith("/call_nik"):
            self._send(state.answer_lookup(self.path, body, self.client_address[0]))
        elif route == BALIKAN_PATH:
            auth = self.headers.get("Authorization", "")
            self._send(state.answer_balikan(self.path, auth, body))
        elif route == CONTROL_PATH:
            self._send(self._control(body))
        else:
            self._send(json_reply(404, {"message": "Not Found"}))

    def do_GET(self) -> None:  # noqa: N802
        if urlsplit(self.path).path == STATS_PATH:
            self._send(json_reply(200, self.server.sim.stats()))
        else:
            self._send(json_reply(404, {"message": "Not Found"}))

    def _control(self, body: bytes) -> Reply:
        try:
            switches = json.loads(body or b"{}")
            if not isinstance(switches, dict):
                raise ControlError("badan permintaan harus objek JSON")
            return json_reply(200, self.server.sim.control(**switches))
        except (ValueError, TypeError) as exc:  # ControlError is a ValueError
            return json_reply(400, {"message": str(exc)})

    def _send(self, reply: Reply) -> None:
        stopping = self.server.sim.stopping
        if reply.delay_s and stopping.wait(reply.delay_s):
            return
        if reply.hang_s:
            stopping.wait(reply.hang_s)
        if reply.hang_s or reply.drop:
            self.close_connection = True
            self._access_line("-")
            return
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        self._access_line(str(code))

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Silent: the standard line may quote what a client sent."""

    def _access_line(self, status: str) -> None:
        if self.server.sim.verbose:
            path = urlsplit(self.path).path
            print(f"{self.command} {path} {status}", file=sys.stderr, flush=True)


class SimServer:
    """A running (or ready) simulator. Use `make_server` to build one."""

    def __init__(self, *, host: str, port: int, state: SimState, verbose: bool = False,
                 tls: ssl.SSLContext | None = None) -> None:
        self.state = state
        self.verbose = verbose
        self.stopping = threading.Event()
        family = _HTTPServer6 if ":" in host else _HTTPServer
        self._httpd = family((host, port), self)
        if tls is not None:
            # The handshake happens in the handler's thread, not in the accept loop.
            self._httpd.socket = tls.wrap_socket(
                self._httpd.socket, server_side=True, do_handshake_on_connect=False
            )
        self._thread: threading.Thread | None = None
        bound_port = self._httpd.server_address[1]
        shown = f"[{host}]" if ":" in host else host
        self.url = f"{'https' if tls else 'http'}://{shown}:{bound_port}"
        self.lookup_url = self.url + LOOKUP_PATH
        self.balikan_url = self.url + BALIKAN_PATH
        self.control_url = self.url + CONTROL_PATH
        self.stats_url = self.url + STATS_PATH

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def start(self) -> SimServer:
        """Serve on a background daemon thread; returns self."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, kwargs={"poll_interval": POLL_INTERVAL_S},
                name="dukcapil-sim", daemon=True,
            )
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve on the calling thread until `stop()` or KeyboardInterrupt."""
        try:
            self._httpd.serve_forever(poll_interval=POLL_INTERVAL_S)
        finally:
            self._httpd.server_close()

    def stop(self) -> None:
        """Stop serving, wake held answers, close the socket."""
        self.stopping.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def control(self, **switches: object) -> dict[str, object]:
        """Same effect as `POST /_sim/control`; raises ControlError."""
        return self.state.control(switches)

    def stats(self) -> dict[str, object]:
        """Same as `GET /_sim/stats`."""
        return self.state.stats()

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _loopback(host: str) -> str:
    if host == "localhost":
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is None or not address.is_loopback:
        raise ValueError(f"Simulator hanya boleh mendengarkan di loopback, bukan {host!r}")
    return host


def make_server(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    user_id: str = DEFAULT_USER_ID,
    password: str = DEFAULT_PASSWORD,
    ip_user: str = DEFAULT_IP_USER,
    quota: int = 200,
    balikan_token: str = DEFAULT_BALIKAN_TOKEN,
    verbose: bool = False,
    certfile: str | None = None,
    keyfile: str | None = None,
) -> SimServer:
    """Bind a simulator on loopback (port 0: any free port); call `.start()`.

    `quota` is the daily quota (0 = unlimited). `verbose` prints one access
    line per request (method, path, status) to stderr. With `certfile` (and
    `keyfile` unless the key is in it) it speaks HTTPS, to test an internal
    CA. Raises ValueError for a host that is not a loopback address, OSError
    when the port is taken or the certificate cannot be read.
    """
    if quota < 0:
        raise ValueError("quota tidak boleh negatif")
    tls = None
    if certfile is not None:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(certfile, keyfile)
    state = SimState(user_id=user_id, password=password, ip_user=ip_user, quota=quota,
                     balikan_token=balikan_token)
    return SimServer(host=_loopback(host), port=port, state=state, verbose=verbose, tls=tls)
