"""`python -m dukcapil_sim`: the simulator on its own, with neither Django nor the portal."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from dukcapil_sim import LOOKUP_PATH, NIK_FOUND
from dukcapil_sim.__main__ import main

ROOT = Path(__file__).resolve().parents[2]
GOOD = {"nik": NIK_FOUND[0], "user_id": "sim-user", "password": "sim-pass", "ip_user": "127.0.0.1"}


def test_it_imports_neither_django_nor_the_portal() -> None:
    script = ("import sys, dukcapil_sim.__main__; "
              "print(sorted(m for m in sys.modules if m.split('.')[0] in "
              "{'django', 'akun', 'verifikasi', 'layanan', 'laporan', 'disnaker_portal'}))")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_it_serves_from_the_command_line_until_ctrl_c() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "dukcapil_sim", "--port", "0", "--quota", "5"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        lines = []
        while not (line := proc.stdout.readline()).startswith("Ctrl+C"):
            assert line, "the simulator ended before it served"
            lines.append(line)
        url = next(line.split(": ", 1)[1].strip() for line in lines if "URL NIK" in line)
        assert url.startswith("http://127.0.0.1:") and url.endswith(LOOKUP_PATH)
        assert any("kuota harian  : 5" in line for line in lines)

        answer = requests.post(url, json=GOOD, timeout=5).json()

        assert answer["content"][0]["NAMA_LGKP"]
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0
    assert "Simulator berhenti." in out
    assert f"POST {LOOKUP_PATH} 200" in err


def test_it_refuses_a_negative_quota(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--quota", "-1"])
    assert stopped.value.code == 2
    assert "tidak boleh negatif" in capsys.readouterr().err


def test_it_says_so_when_the_port_is_taken(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        assert main(["--port", str(port)]) == 1

    assert f"Port {port} tidak dapat dipakai" in capsys.readouterr().err
