"""`python -m dukcapil_sim`: the Dukcapil simulator in the foreground (FAKE people), until Ctrl+C."""

from __future__ import annotations

import argparse
import sys

from dukcapil_sim import (
    DEFAULT_BALIKAN_TOKEN,
    DEFAULT_IP_USER,
    DEFAULT_PASSWORD,
    DEFAULT_USER_ID,
    banner,
    make_server,
)


def argument_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dukcapil_sim",
        description="Jalankan simulator Dukcapil (cari NIK dan data balikan) di 127.0.0.1 sampai Ctrl+C.",
    )
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--quota", type=int, default=200, help="kuota harian; 0 = tanpa batas")
    parser.add_argument("--latency-ms", type=int, default=0, help="jeda tambahan per jawaban")
    parser.add_argument("--user-id", default=DEFAULT_USER_ID)
    parser.add_argument("--password", default=DEFAULT_PASSWORD)
    parser.add_argument("--ip-user", default=DEFAULT_IP_USER)
    parser.add_argument("--balikan-token", default=DEFAULT_BALIKAN_TOKEN)
    parser.add_argument("--quiet", action="store_true", help="tanpa baris akses per permintaan")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Serve until Ctrl+C; exit status 2 for bad options, 1 when the port cannot be bound."""
    parser = argument_parser()
    options = parser.parse_args(argv)
    if options.quota < 0 or options.latency_ms < 0:
        parser.error("--quota dan --latency-ms tidak boleh negatif")
    try:
        sim = make_server(
            port=options.port,
            quota=options.quota,
            user_id=options.user_id,
            password=options.password,
            ip_user=options.ip_user,
            balikan_token=options.balikan_token,
            verbose=not options.quiet,
        )
    except OSError as exc:
        print(f"Port {options.port} tidak dapat dipakai: {exc.strerror}", file=sys.stderr)
        return 1
    sim.control(latency_ms=options.latency_ms)
    print(banner(sim))
    print("Ctrl+C untuk berhenti.", flush=True)
    try:
        sim.serve_forever()
    except KeyboardInterrupt:
        print("Simulator berhenti.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
