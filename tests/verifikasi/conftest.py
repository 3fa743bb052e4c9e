"""A running Dukcapil simulator and a portal connected to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dukcapil_sim import DEFAULT_IP_USER, DEFAULT_PASSWORD, DEFAULT_USER_ID, SimServer, make_server
from verifikasi.models import Mode, ModeAkses


@pytest.fixture
def simulator() -> Iterator[SimServer]:
    sim = make_server(port=0).start()
    try:
        yield sim
    finally:
        sim.stop()


def portal_connect(settings, simulator: SimServer, *, ip_user: str = DEFAULT_IP_USER) -> SimServer:
    """Point the portal at `simulator` in connected mode, guards relaxed for back-to-back lookups."""
    settings.DUKCAPIL_NIK_URL = simulator.lookup_url
    settings.DUKCAPIL_USER_ID = DEFAULT_USER_ID
    settings.DUKCAPIL_PASSWORD = DEFAULT_PASSWORD
    settings.DUKCAPIL_IP_USER = ip_user
    settings.DUKCAPIL_TIMEOUT = 1.0
    settings.ENUM_GUARD_MIN_INTERVAL_SECONDS = 0
    ModeAkses.objects.update_or_create(pk=1, defaults={"mode": Mode.TERHUBUNG})
    return simulator


@pytest.fixture
def connected(simulator: SimServer, settings, db: None) -> SimServer:
    """The portal in connected mode against the simulator."""
    return portal_connect(settings, simulator)
