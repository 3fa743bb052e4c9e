"""The counter's seam: who asks, what one submission gave, and what the page shows.

`layanan` builds an `Asker` from its request and its service request, hands it with the
posted data to a service (`verifikasi.services`) or a selector (`verifikasi.selectors`),
and renders the `LookupPage` it gets back. Everything here lives in memory for one
response: never stored, cached or pickled.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NoReturn, Protocol

from akun.gate import GateDecision

from .display import Row
from .elements import FIELDS, Outcome
from .models import AuditEntry, Mode
from .quota import QuotaState

if TYPE_CHECKING:
    from akun.models import User

    from .compare import FieldMatch
    from .elements import LookupResult
    from .forms import LookupForm, ManualAuthoriseForm, ManualForm
    from .nik import NikCheck


class Claim(enum.Enum):
    """What a service request answered when a lookup claimed it for one applicant's NIK."""

    FRESH = "fresh"  # it had no applicant yet: now it is this one's
    HELD = "held"  # it was already this applicant's
    OTHER = "other"  # it belongs to another applicant


class ServiceRequest(Protocol):
    """The service request (layanan's `Permohonan`) a lookup belongs to: one applicant's NIK each.

    `applicant_claim` and `applicant_release` are called inside the guard's lock, so two
    lookups at once cannot bind one request to two applicants.
    """

    @property
    def nomor(self) -> str: ...

    @property
    def nik_hmac(self) -> str: ...  # the applicant it belongs to, as read by the last claim

    def applicant_claim(self, *, nik_hmac: str) -> Claim: ...

    def applicant_release(self, *, nik_hmac: str) -> None: ...

    def applicant_replace(self, *, old: str, new: str) -> bool: ...


@dataclass(frozen=True)
class Asker:
    """Who asks: the operator, the address the audit records, and the service request served."""

    operator: User
    client_ip: str | None
    permohonan: ServiceRequest | None

    @property
    def permohonan_ref(self) -> str:
        return self.permohonan.nomor if self.permohonan is not None else ""


@dataclass
class LookupOutcome:
    """What one submission gave. Never stored, cached or pickled."""

    refusals: tuple[str, ...] = ()
    overridable: bool = False  # refused by the enumeration guard only
    correctable: bool = False  # refused as another applicant's NIK, the first one not found: a typo may be corrected
    override_token: str = ""  # binds a written override to this refusal
    authorisation: str = ""  # manual mode: step 1's grant, which step 2 records against
    check: NikCheck | None = None
    result: LookupResult | None = None
    matches: tuple[FieldMatch, ...] = ()
    quota: QuotaState | None = None
    audit: AuditEntry | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)
    # Why a written override reason was not used and stays in the box (the refusal changed, it was
    # too short, or its token expired): it answers the new refusal only when submitted again.
    override_note: str = ""
    # The same NIK again on the same request, just answered: the earlier answer's audit row (outcome
    # and per-field booleans only). Nothing was sent; the answer itself was never kept.
    shown_before: AuditEntry | None = None

    @property
    def refused(self) -> bool:
        return bool(self.refusals)

    @property
    def shown_before_matches(self) -> tuple[tuple[str, bool | None], ...]:
        """The earlier answer's per-field Sesuai / Tidak Sesuai, labelled (the portal's own facts)."""
        if self.shown_before is None:
            return ()
        recorded = self.shown_before.kecocokan or {}
        return tuple((label, recorded.get(key)) for key, label in FIELDS)

    @property
    def shown_before_label(self) -> str:
        code = self.shown_before.outcome if self.shown_before is not None else ""
        return Outcome(code).label if code in Outcome._value2member_map_ else code

    def __repr__(self) -> str:
        return f"LookupOutcome(refused={self.refused}, result={self.result!r})"

    def __reduce__(self) -> NoReturn:
        raise TypeError("Hasil pemeriksaan tidak boleh diserialisasi")


@dataclass
class LookupPage:
    """Everything the counter page shows: the view renders it and does nothing else.

    `form` is the form to show next (after a submission: what was typed, without the
    override reason, with the token of a new refusal); `record_form` is manual mode's
    step 2, offered once step 1 granted an authorisation (or when step 2 was invalid).
    """

    mode: Mode
    gate: GateDecision
    quota: QuotaState
    form: LookupForm | ManualAuthoriseForm
    record_form: ManualForm | None = None
    outcome: LookupOutcome | None = None
    rows: tuple[Row, ...] = ()

    def __repr__(self) -> str:
        return f"LookupPage(mode={self.mode.value}, outcome={self.outcome!r})"

    def __reduce__(self) -> NoReturn:
        raise TypeError("Halaman pemeriksaan tidak boleh diserialisasi")
