"""Benchmark: CPU per lookup of the Dukcapil client over HTTPS, against requests' own per-request trust.

    .venv/bin/python bench/tls_client.py [--lookups 50]

The simulator serves HTTPS on 127.0.0.1 in a child process, with a throwaway self-signed
certificate (an "internal CA"). Two CA bundles are tried: that one certificate alone, and
certifi's public bundle with it appended (what a deployment gets when it points
DUKCAPIL_CA_BUNDLE at a system-wide store). For each, the same found-person lookup runs
--lookups times:

- "requests per request": a new requests.Session per lookup with verify=<bundle>, the way the
  client worked before (requests loads the bundle into a new TLS context for every connection);
- "portal client": verifikasi.client.nik_lookup, which loads the bundle once per process.

Both open one new connection per lookup. It prints the CPU time of this process per lookup
(the simulator runs in its own process) and the ratio. Not a timed test.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SERVE = """
import sys, time
from dukcapil_sim import make_server
server = make_server(port=0, quota=0, certfile=sys.argv[1], keyfile=sys.argv[2]).start()
print(server.lookup_url, flush=True)
time.sleep(3600)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lookups", type=int, default=50)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "disnaker_portal.settings")
    import certifi
    import django
    import requests
    from requests.adapters import HTTPAdapter

    django.setup()
    logging.getLogger("verifikasi").setLevel(logging.WARNING)  # one line per lookup otherwise
    from dukcapil_sim import DEFAULT_IP_USER, DEFAULT_PASSWORD, DEFAULT_USER_ID, NIK_FOUND
    from verifikasi.client import ClientConfig, _trust, nik_lookup
    from verifikasi.elements import Outcome

    folder = Path(tempfile.mkdtemp(prefix="bench_tls_"))
    try:
        cert, key = folder / "ca.pem", folder / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                        "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key),
                        "-out", str(cert)], check=True, capture_output=True)
        public = folder / "public-plus-internal.pem"
        public.write_text(Path(certifi.where()).read_text() + cert.read_text())
        server = subprocess.Popen([sys.executable, "-c", SERVE, str(cert), str(key)], cwd=ROOT,
                                  stdout=subprocess.PIPE, text=True)
        try:
            assert server.stdout is not None
            url = server.stdout.readline().strip()
            nik = NIK_FOUND[0]
            payload = {"nik": nik, "user_id": DEFAULT_USER_ID, "password": DEFAULT_PASSWORD,
                       "ip_user": DEFAULT_IP_USER}

            def per_request(bundle: Path) -> None:
                with requests.Session() as session:
                    session.trust_env = False
                    session.mount("https://", HTTPAdapter(max_retries=0))
                    response = session.post(url, json=payload, timeout=5, verify=str(bundle))
                    assert response.status_code == 200

            def portal(bundle: Path) -> None:
                config = ClientConfig(url=url, user_id=DEFAULT_USER_ID, password=DEFAULT_PASSWORD,
                                      ip_user=DEFAULT_IP_USER, timeout=5, ca_bundle=str(bundle))
                assert nik_lookup(nik=nik, config=config).outcome is Outcome.FOUND

            print(f"CPU of the client process per HTTPS lookup (one new connection each), {args.lookups} lookups")
            print(f"{'CA bundle':<34}{'requests per request':>22}{'portal client':>16}{'ratio':>8}")
            for label, bundle in (("internal CA only (1 certificate)", cert),
                                  (f"certifi + internal CA ({public.read_text().count('BEGIN CERT')})", public)):
                figures = []
                for run in (per_request, portal):
                    _trust.cache_clear()
                    run(bundle)  # warm up: imports, first context
                    start = time.process_time()
                    for _ in range(args.lookups):
                        run(bundle)
                    figures.append((time.process_time() - start) * 1000 / args.lookups)
                print(f"{label:<34}{figures[0]:>19.2f} ms{figures[1]:>13.2f} ms{figures[0] / figures[1]:>7.1f}x")
        finally:
            server.kill()
            server.wait()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
