"""The real people of the seed document never become fixtures, demo data or examples in the repo."""

from __future__ import annotations

import os
import re
import subprocess
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEED_NAME = "shared/seed/000_cfde4078b06b66ef.txt"
# Beside the checkout (../shared) or where the workplace mounts it; SEED_DOCUMENT overrides.
SEED = next(
    (p for p in (Path(os.environ.get("SEED_DOCUMENT", "/nonexistent")), ROOT.parent / SEED_NAME,
                 Path("/work") / SEED_NAME) if p.exists()),
    ROOT.parent / SEED_NAME,
)
SKIP_DIRS = (".venv/", "var/")

NIK = re.compile(r"(?<![\d.])(\d{16}|\d{8} \d{8})(?![\d.])")  # also split in two halves by the scan
NIP = re.compile(r"(?<![\d.])(\d{8}\s?\d{6}\s?\d\s?\d{3})(?![\d.])")  # written "19800101 200501 1 001"
PHONE = re.compile(r"(?<!\d)(08\d{8,11})(?!\d)")
NAME_LINE = re.compile(r"^\W*(?:\d+\.\s*)?Nama\s*:\s*(.+)$", re.MULTILINE)
UPPER_NAME = re.compile(r"[A-Z]{3,}(?:\s+[A-Z]{3,})*")
PIC_NAME = re.compile(r"([A-Z][a-z]+(?: [A-Z][a-z]+)+) \(08\d+\)")  # "Nama Orang (08...)" contact lines


def _digits(text: str) -> str:
    return re.sub(r"\s", "", text)


@cache
def _seed_people() -> dict[str, set[str]]:
    if not SEED.exists():
        message = f"dokumen seed tidak ada di {SEED.resolve()}"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    text = SEED.read_text(encoding="utf-8")
    names = {m for line in NAME_LINE.findall(text) for m in UPPER_NAME.findall(line)}
    return {
        "NIK": {_digits(m) for m in NIK.findall(text)},
        "NIP": {_digits(m) for m in NIP.findall(text)},
        "telepon": set(PHONE.findall(text)),
        "nama": {n.lower() for n in names | set(PIC_NAME.findall(text))},
    }


def _repo_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    names = [n for n in listed.split("\0") if n and not n.startswith(SKIP_DIRS)]
    return [ROOT / n for n in names if (ROOT / n).is_file()]


def test_it_finds_the_people_of_the_seed() -> None:
    """The extraction itself must work, or the check below proves nothing."""
    people = _seed_people()
    assert len(people["NIK"]) >= 2
    assert len(people["NIP"]) >= 2
    assert len(people["telepon"]) >= 2
    assert len(people["nama"]) >= 2
    assert all(len(n) == 16 for n in people["NIK"])
    assert all(len(n) == 18 for n in people["NIP"])


@pytest.mark.parametrize("kind", ["NIK", "NIP", "telepon", "nama"])
def test_it_keeps_the_seed_people_out_of_the_repo(kind: str) -> None:
    values = _seed_people()[kind]
    found: list[str] = []
    for path in _repo_files():
        text = path.read_bytes().decode("utf-8", errors="ignore")
        # "19800101 200501 1 001" and "0812-0000-0000" are numbers too, spaces or dashes aside.
        haystack = re.sub(r"\s+", " ", text.lower()) if kind == "nama" else re.sub(r"(?<=\d)[\s.-](?=\d)", "", text)
        found += [f"{path.relative_to(ROOT)}: {kind} dari seed" for v in values if v in haystack]
    assert found == []
