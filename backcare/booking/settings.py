"""Booking settings: which backend takes the requests and its non-secret options, from the `booking:`
section of the clinic profile (clinic.yml); secrets only from environment variables.

Environment variables:
  BOOKING_BACKEND          overrides booking.backend (sqlite | cliniko | webhook)
  BOOKING_DB               the SQLite file for requests and the outbox (default: bookings.db at the repo root)
  CLINIKO_API_KEY          the Cliniko API key (its suffix, e.g. -uk1, names the shard)
  CLINIKO_BASE_URL         overrides the API address (tests point it at a local fake server)
  BOOKING_WEBHOOK_URL      overrides booking.webhook.url
  BOOKING_WEBHOOK_SECRET   the shared secret that signs each webhook request (HMAC-SHA256)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from backcare.content import ContentError

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB = ROOT / "bookings.db"
BACKENDS = ("sqlite", "cliniko", "webhook")
CLINIKO_MODES = ("appointment", "link")


@dataclass(frozen=True)
class ClinikoSettings:
    api_key: str = ""
    base_url: Optional[str] = None
    mode: str = "appointment"  # appointment: offer free times and book them; link: hand over a booking link
    business_id: Optional[str] = None  # None: the account's first business
    # Clinic service (as named in the profile) -> Cliniko appointment type name, where they differ.
    appointment_types: Mapping[str, str] = field(default_factory=dict)
    booking_link: str = ""
    app_name: str = "BackSpasmAssistant"
    contact_email: str = ""
    timeout_seconds: float = 10.0
    days_ahead: int = 7
    max_offers: int = 4


@dataclass(frozen=True)
class WebhookSettings:
    url: str = ""
    secret: str = ""
    timeout_seconds: float = 10.0
    attempts: int = 3
    backoff_seconds: float = 1.0


@dataclass(frozen=True)
class BookingSettings:
    backend: str = "sqlite"
    db_path: Path = DEFAULT_DB
    # Said after a request is taken: when the team gets back to the person (the hours come from the profile).
    reply_within: str = "one working day"
    retention_days: int = 90
    cliniko: ClinikoSettings = field(default_factory=ClinikoSettings)
    webhook: WebhookSettings = field(default_factory=WebhookSettings)


def _section(raw: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = raw.get(key) or {}
    if not isinstance(value, Mapping):
        raise ContentError(f"{where}: '{key}' must be a mapping")
    return value


def load_booking_settings(
    raw: Optional[Mapping[str, Any]], clinic_email: str = "", environ: Mapping[str, str] = os.environ
) -> BookingSettings:
    """Settings from the profile's `booking:` mapping plus the environment; fails loudly at start-up when the
    chosen backend lacks what it needs (a Cliniko key, a webhook URL and secret)."""
    raw = raw or {}
    where = "clinic profile booking"
    unknown = set(raw) - {"backend", "reply_within", "retention_days", "cliniko", "webhook"}
    if unknown:
        raise ContentError(f"{where}: unknown key(s) {sorted(unknown)}")
    backend = str(environ.get("BOOKING_BACKEND") or raw.get("backend") or "sqlite").strip().lower()
    if backend not in BACKENDS:
        raise ContentError(f"{where}: backend must be one of {BACKENDS}, not {backend!r}")
    cliniko_raw = _section(raw, "cliniko", where)
    webhook_raw = _section(raw, "webhook", where)
    cliniko = ClinikoSettings(
        api_key=environ.get("CLINIKO_API_KEY", ""),
        base_url=environ.get("CLINIKO_BASE_URL") or cliniko_raw.get("base_url") or None,
        mode=str(cliniko_raw.get("mode") or "appointment"),
        business_id=str(cliniko_raw["business_id"]) if cliniko_raw.get("business_id") else None,
        appointment_types={str(k): str(v) for k, v in (cliniko_raw.get("appointment_types") or {}).items()},
        booking_link=str(cliniko_raw.get("booking_link") or ""),
        app_name=str(cliniko_raw.get("app_name") or "BackSpasmAssistant"),
        contact_email=str(cliniko_raw.get("contact_email") or clinic_email),
        timeout_seconds=float(cliniko_raw.get("timeout_seconds") or 10),
        days_ahead=min(7, int(cliniko_raw.get("days_ahead") or 7)),
        max_offers=int(cliniko_raw.get("max_offers") or 4),
    )
    backoff = webhook_raw.get("backoff_seconds")
    webhook = WebhookSettings(
        url=environ.get("BOOKING_WEBHOOK_URL") or str(webhook_raw.get("url") or ""),
        secret=environ.get("BOOKING_WEBHOOK_SECRET", ""),
        timeout_seconds=float(webhook_raw.get("timeout_seconds") or 10),
        attempts=max(1, int(webhook_raw.get("attempts") or 3)),
        backoff_seconds=float(backoff if backoff is not None else 1),
    )
    if cliniko.mode not in CLINIKO_MODES:
        raise ContentError(f"{where}: cliniko.mode must be one of {CLINIKO_MODES}")
    if backend == "cliniko":
        if not cliniko.api_key:
            raise ContentError("booking backend 'cliniko' needs the CLINIKO_API_KEY environment variable")
        if not cliniko.contact_email:
            raise ContentError(f"{where}: cliniko.contact_email (or the clinic email) names the app to Cliniko")
        if cliniko.mode == "link" and not cliniko.booking_link:
            raise ContentError(f"{where}: cliniko.mode 'link' needs cliniko.booking_link")
    if backend == "webhook" and not (webhook.url and webhook.secret):
        raise ContentError(
            "booking backend 'webhook' needs booking.webhook.url (or BOOKING_WEBHOOK_URL) "
            "and the BOOKING_WEBHOOK_SECRET environment variable"
        )
    db = environ.get("BOOKING_DB")
    return BookingSettings(
        backend=backend,
        db_path=Path(db) if db else DEFAULT_DB,
        reply_within=str(raw.get("reply_within") or "one working day"),
        retention_days=int(raw.get("retention_days") or 90),
        cliniko=cliniko,
        webhook=webhook,
    )
