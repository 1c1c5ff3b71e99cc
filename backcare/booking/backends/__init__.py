"""Booking backends: where a finished booking or call-back request goes. Chosen in clinic.yml (`booking:`)."""

from __future__ import annotations

from backcare.booking.backends.base import BackendError, BackendRejected, BackendUnavailable, BookingBackend
from backcare.booking.backends.cliniko import ClinikoBackend, ClinikoClient
from backcare.booking.backends.sqlite import SqliteBackend
from backcare.booking.backends.webhook import WebhookBackend
from backcare.booking.settings import BookingSettings
from backcare.booking.store import BookingStore


def make_backend(settings: BookingSettings, store: BookingStore, clinic_name: str = "") -> BookingBackend:
    """The backend the settings name, built with its settings and secrets."""
    if settings.backend == "cliniko":
        cliniko = settings.cliniko
        client = ClinikoClient(
            cliniko.api_key,
            cliniko.app_name,
            cliniko.contact_email,
            base_url=cliniko.base_url,
            timeout=cliniko.timeout_seconds,
        )
        return ClinikoBackend(
            client,
            store,
            mode=cliniko.mode,
            business_id=cliniko.business_id,
            appointment_types=cliniko.appointment_types,
            booking_link=cliniko.booking_link,
            days_ahead=cliniko.days_ahead,
            max_offers=cliniko.max_offers,
        )
    if settings.backend == "webhook":
        hook = settings.webhook
        return WebhookBackend(
            hook.url,
            hook.secret,
            clinic=clinic_name,
            timeout=hook.timeout_seconds,
            attempts=hook.attempts,
            backoff=hook.backoff_seconds,
        )
    return SqliteBackend(store)


__all__ = [
    "BackendError",
    "BackendRejected",
    "BackendUnavailable",
    "BookingBackend",
    "ClinikoBackend",
    "ClinikoClient",
    "SqliteBackend",
    "WebhookBackend",
    "make_backend",
]
