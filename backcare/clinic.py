"""The clinic profile: name, contact details, hours, services and accepted insurers.

Read from `clinic.yml` at the project root (or the file named by CLINIC_PROFILE); the contact details can be
overridden one by one with CLINIC_NAME, CLINIC_PHONE, CLINIC_EMAIL and CLINIC_BOOKING_URL.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from backcare.content import ContentError, load_yaml, require_text

DEFAULT_PROFILE = Path(__file__).resolve().parent.parent / "clinic.yml"
ENV_OVERRIDES = {
    "name": "CLINIC_NAME",
    "phone": "CLINIC_PHONE",
    "email": "CLINIC_EMAIL",
    "booking_url": "CLINIC_BOOKING_URL",
}


@dataclass(frozen=True)
class OpeningHours:
    days: str
    hours: str


@dataclass(frozen=True)
class ClinicProfile:
    name: str
    phone: str
    email: str
    website: str
    booking_url: str
    address: str
    opening_hours: tuple[OpeningHours, ...]
    services: tuple[str, ...]
    accepted_insurers: Mapping[str, str] = field(default_factory=dict)
    prices: tuple[str, ...] = ()
    # The `booking:` section as written (backend and its settings), read by backcare.booking.settings.
    booking: Mapping[str, Any] = field(default_factory=dict)

    def insurer_name(self, insurer: str) -> Optional[str]:
        """The clinic's own wording for an accepted insurer, or None when it is not accepted."""
        return self.accepted_insurers.get(insurer)

    def hours_text(self) -> str:
        return "; ".join(f"{slot.days}: {slot.hours}" for slot in self.opening_hours)


def load_profile(path: Optional[Path] = None, environ: Mapping[str, str] = os.environ) -> ClinicProfile:
    path = path or Path(environ.get("CLINIC_PROFILE") or DEFAULT_PROFILE)
    raw: dict[str, Any] = dict(load_yaml(path) or {})
    for key, variable in ENV_OVERRIDES.items():
        if environ.get(variable):
            raw[key] = environ[variable]
    where = f"clinic profile {path}"
    if not raw.get("opening_hours") or not raw.get("services"):
        raise ContentError(f"{where}: opening_hours and services must not be empty")
    return ClinicProfile(
        name=require_text(raw, "name", where),
        phone=require_text(raw, "phone", where),
        email=require_text(raw, "email", where),
        website=require_text(raw, "website", where),
        booking_url=require_text(raw, "booking_url", where),
        address=require_text(raw, "address", where),
        opening_hours=tuple(OpeningHours(**slot) for slot in raw.get("opening_hours") or ()),
        services=tuple(raw.get("services") or ()),
        accepted_insurers=dict(raw.get("accepted_insurers") or {}),
        prices=tuple(raw.get("prices") or ()),
        booking=dict(raw.get("booking") or {}),
    )
