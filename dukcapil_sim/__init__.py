"""The Dukcapil simulator: the NIK lookup and the data balikan endpoint.

Standard library only, loopback only, FAKE people only (`population`). Used by
the tests over real HTTP and by `python -m dukcapil_sim` for development
before the Proof of Concept. Wire format: docs/dukcapil-web-service.md.

A package of its own, not a Django app: it imports nothing from Django or the
portal (it stands in for Dukcapil's gateway and keeps its own notion of the
wire format), and it is left out of the installed packages and the production
image.

    sim = make_server(port=0).start()
    sim.control(generation="2", spelling="variant")
    ...
    sim.stop()
"""

from __future__ import annotations

from dukcapil_sim.gateway import ControlError, Reply, SimState
from dukcapil_sim.population import (
    NIK_ABOVE_2_53,
    NIK_BAD_FORMAT,
    NIK_DECEASED,
    NIK_DUPLICATE,
    NIK_FOUND,
    NIK_INACTIVE,
    NIK_NOT_FOUND,
    NIK_UNPROCESSABLE,
    NIK_UNREADABLE_DATE,
    PERSON_FIELDS,
    POPULATION,
    SAMPLE_NIKS,
    Person,
    distinctive_values,
    person,
    person_record,
)
from dukcapil_sim.server import (
    BALIKAN_PATH,
    DEFAULT_BALIKAN_TOKEN,
    DEFAULT_IP_USER,
    DEFAULT_PASSWORD,
    DEFAULT_USER_ID,
    LOOKUP_PATH,
    SimServer,
    make_server,
)

__all__ = [
    "BALIKAN_PATH",
    "DEFAULT_BALIKAN_TOKEN",
    "DEFAULT_IP_USER",
    "DEFAULT_PASSWORD",
    "DEFAULT_USER_ID",
    "LOOKUP_PATH",
    "NIK_ABOVE_2_53",
    "NIK_BAD_FORMAT",
    "NIK_DECEASED",
    "NIK_DUPLICATE",
    "NIK_FOUND",
    "NIK_INACTIVE",
    "NIK_NOT_FOUND",
    "NIK_UNPROCESSABLE",
    "NIK_UNREADABLE_DATE",
    "PERSON_FIELDS",
    "POPULATION",
    "SAMPLE_NIKS",
    "ControlError",
    "Person",
    "Reply",
    "SimServer",
    "SimState",
    "banner",
    "distinctive_values",
    "make_server",
    "person",
    "person_record",
]


def banner(sim: SimServer) -> str:
    """What `python -m dukcapil_sim` prints: URLs, credentials, sample NIKs."""
    state = sim.state
    quota = sim.control()["quota"]
    lines = [
        "Simulator Dukcapil (data PALSU, hanya loopback)",
        f"  URL NIK       : {sim.lookup_url}",
        f"  URL balikan   : {sim.balikan_url}",
        f"  Kontrol       : POST {sim.control_url}   Statistik: GET {sim.stats_url}",
        f"  user_id       : {state.user_id}",
        f"  password      : {state.password}",
        f"  ip_user       : {state.ip_user}",
        f"  token balikan : {state.balikan_token}",
        f"  kuota harian  : {quota or 'tanpa batas'}",
        "Contoh NIK per hasil:",
    ]
    lines += [f"  {outcome:<24}: {', '.join(niks)}" for outcome, niks in SAMPLE_NIKS.items()]
    return "\n".join(lines)
