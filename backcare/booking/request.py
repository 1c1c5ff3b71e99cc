"""What a booking or call-back request holds, and its reference.

Only what booking needs is kept (UK GDPR data minimisation): a name, one way to contact the person, when they
would like to come, the appointment type, how they pay, a one-line reason and the outcome of the red-flag
screen. A call-back request adds a short, redacted summary of the conversation.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Optional

BOOKING = "booking"
CALLBACK = "callback"
KINDS = (BOOKING, CALLBACK)
SELF_PAY = "self_pay"
# No 0/O, 1/I/L: a reference is read out over the phone.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_reference(kind: str = BOOKING) -> str:
    """A short reference such as BK-7KQ2XD (booking) or CB-M4T9PA (call-back): random, not guessable."""
    prefix = "BK" if kind == BOOKING else "CB"
    return f"{prefix}-" + "".join(secrets.choice(_ALPHABET) for _ in range(6))


def utc_now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class SlotChoice:
    """A real free time the practice-management system offered, and the person picked."""

    starts_at: str  # UTC, ISO 8601
    label: str  # as the person saw it: "Tue 2 Dec, 9:45am with Alex Morgan"
    appointment_type_id: str
    practitioner_id: str
    business_id: str

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> SlotChoice:
        return cls(
            **{
                key: str(raw[key])
                for key in ("starts_at", "label", "appointment_type_id", "practitioner_id", "business_id")
            }
        )


@dataclass(frozen=True)
class BookingRequest:
    reference: str
    kind: str = BOOKING
    created_at: str = field(default_factory=utc_now)
    name: str = ""
    phone: Optional[str] = None  # E.164
    email: Optional[str] = None
    preferred_time: str = ""  # read-back wording, e.g. "Weekdays, after 5pm"
    appointment_type: str = ""  # one of the clinic profile's services
    payment: str = ""  # "self_pay" or the insurer's canonical id
    insurer_name: str = ""  # the clinic's own wording for the insurer
    authorisation_number: str = ""
    reason: str = ""
    screening: str = ""  # routine / urgent (emergency, for a call-back): the red-flag screen or triage outcome
    # Each screening question's id and the answer given (yes / no / unsure), in the order asked.
    screening_answers: tuple[tuple[str, str], ...] = ()
    summary: str = ""  # call-backs: the redacted conversation summary
    slot: Optional[SlotChoice] = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        if self.kind == BOOKING and not (self.name and (self.phone or self.email)):
            raise ValueError("a booking request needs a name and a phone number or email")

    @property
    def contact(self) -> str:
        return self.phone or self.email or ""

    def payment_text(self) -> str:
        if self.payment == SELF_PAY:
            return "Paying for themselves"
        if not self.payment:
            return ""
        text = self.insurer_name or self.payment.replace("_", " ").title()
        return f"{text} (authorisation {self.authorisation_number})" if self.authorisation_number else text

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["slot"] = asdict(self.slot) if self.slot else None
        return data

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> BookingRequest:
        known = {name for name in cls.__dataclass_fields__}
        data = {key: value for key, value in raw.items() if key in known}
        if data.get("slot"):
            data["slot"] = SlotChoice.from_dict(data["slot"])
        data["screening_answers"] = tuple((str(q), str(a)) for q, a in data.get("screening_answers") or ())
        return cls(**data)


@dataclass(frozen=True)
class Submission:
    """What happened to a request: where it went and what the person can be told."""

    reference: str
    status: str  # stored (local file), booked (appointment made), sent (webhook took it), queued (outbox)
    backend: str
    appointment: Optional[str] = None  # the booked time, as the person saw it
    booking_link: Optional[str] = None

    @property
    def confirmed(self) -> bool:
        return self.status == "booked"
