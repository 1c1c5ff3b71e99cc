"""Cliniko, the practice-management system many UK physio clinics use: read appointment types,
practitioners and free times, find or create the patient, and book the appointment.

API facts followed here (Cliniko's public API documentation):
- base URL https://api.<shard>.cliniko.com/v1, the shard being the API key's suffix ("...-uk1" -> uk1);
- HTTP Basic authentication with the key as user name and no password;
- a User-Agent naming the app and a contact email ("APP_NAME (email)"), or requests may be blocked;
- 200 requests a minute; over that, HTTP 429 with X-RateLimit-Reset (UNIX seconds, UTC);
- available_times takes `from` and `to` dates at most 7 days apart; times are UTC;
- lists are paginated (`links.next`), 50 a page by default, `per_page` up to 100.
Every request has a timeout. Errors: 401 (bad key) and 422 (refused fields) need a person; 404 names what
was missing; 429, 5xx and network failures are temporary.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Optional

import requests

from backcare.booking.backends.base import NO_DEADLINE, BackendRejected, BackendUnavailable, Deadline
from backcare.booking.request import BookingRequest, SlotChoice, Submission
from backcare.booking.store import BookingStore
from backcare.booking.times import DAYS, TimePreference

try:
    from zoneinfo import ZoneInfo

    LONDON: dt.tzinfo = ZoneInfo("Europe/London")
except Exception:  # pragma: no cover - a system without time-zone data
    LONDON = dt.timezone.utc

MAX_DAYS = 7
MAX_PAGES = 10
_SHARD = re.compile(r"-([a-z]{2}\d+)$")


class ClinikoError(BackendRejected):
    def __init__(self, status: int, message: str, errors: Optional[Mapping[str, Any]] = None) -> None:
        super().__init__(f"Cliniko HTTP {status}: {message}")
        self.status, self.errors = status, dict(errors or {})


class ClinikoAuthError(ClinikoError):
    """401: the API key is wrong, revoked, or for another shard."""


class ClinikoNotFound(ClinikoError):
    """404: a business, practitioner or appointment type id that does not exist."""


class ClinikoValidationError(ClinikoError):
    """422: Cliniko refused the fields (a time no longer free, a missing name)."""


class ClinikoRateLimited(BackendUnavailable):
    """429: over 200 requests a minute; `retry_at` is when the limit resets."""


def shard_of(api_key: str) -> str:
    """The shard named by the key's suffix; keys issued before sharding belong to au1."""
    match = _SHARD.search(api_key.strip())
    return match.group(1) if match else "au1"


class ClinikoClient:
    def __init__(
        self,
        api_key: str,
        app_name: str,
        contact_email: str,
        base_url: Optional[str] = None,
        timeout: float = 10.0,
        session: Optional[requests.Session] = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        max_rate_wait: float = 5.0,
    ) -> None:
        if not api_key:
            raise ValueError("Cliniko needs an API key")
        self.base_url = (base_url or f"https://api.{shard_of(api_key)}.cliniko.com/v1").rstrip("/")
        self.session = session or requests.Session()
        self.session.auth = (api_key, "")
        self.session.headers.update({"Accept": "application/json", "User-Agent": f"{app_name} ({contact_email})"})
        self.timeout, self.sleep, self.clock, self.max_rate_wait = timeout, sleep, clock, max_rate_wait
        self.deadline = NO_DEADLINE

    def within(self, deadline: Deadline) -> ClinikoClient:
        """This client (same connection pool) for one hand-over that must end by `deadline`."""
        bound = copy.copy(self)
        bound.deadline = deadline
        return bound

    # --- transport -----------------------------------------------------------------------------------------

    def request(self, method: str, path: str, params: Any = None, body: Optional[Mapping[str, Any]] = None) -> Any:
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        for attempt in range(2):
            try:
                response = self.session.request(
                    method, url, params=params, json=body, timeout=self.deadline.timeout(self.timeout)
                )
            except requests.RequestException as error:
                raise BackendUnavailable(f"Cliniko unreachable ({type(error).__name__})") from error
            if response.status_code == 429:
                reset = _reset_time(response.headers.get("X-RateLimit-Reset"))
                wait = (reset.timestamp() - self.clock()) if reset else self.max_rate_wait + 1
                if attempt == 0 and wait <= self.max_rate_wait and self.deadline.allows_wait(max(0.0, wait)):
                    self.sleep(max(0.0, wait))
                    continue
                raise ClinikoRateLimited("Cliniko rate limit reached", retry_at=reset)
            return self._result(response)
        raise ClinikoRateLimited("Cliniko rate limit reached")  # pragma: no cover - the loop returns or raises

    @staticmethod
    def _result(response: requests.Response) -> Any:
        status = response.status_code
        if 200 <= status < 300:
            return response.json() if response.content else {}
        try:
            data = response.json()
        except ValueError:
            data = {}
        message = str(data.get("message") or response.reason or "error") if isinstance(data, Mapping) else "error"
        errors = data.get("errors") if isinstance(data, Mapping) and isinstance(data.get("errors"), Mapping) else None
        if status == 401:
            raise ClinikoAuthError(status, message)
        if status == 404:
            raise ClinikoNotFound(status, message)
        if status == 422:
            raise ClinikoValidationError(status, message, errors)
        if status >= 500 or status in (408, 502, 503, 504):
            raise BackendUnavailable(f"Cliniko HTTP {status}")
        raise ClinikoError(status, message, errors)

    def pages(self, path: str, key: str, params: Optional[list[tuple[str, str]]] = None) -> Iterator[Mapping[str, Any]]:
        url: Optional[str] = path
        query: Any = list(params or []) + [("per_page", "100")]
        for _ in range(MAX_PAGES):
            if not url:
                return
            data = self.request("GET", url, params=query)
            yield from data.get(key) or []
            url, query = (data.get("links") or {}).get("next"), None

    # --- resources -----------------------------------------------------------------------------------------

    def appointment_types(self) -> list[Mapping[str, Any]]:
        return list(self.pages("/appointment_types", "appointment_types"))

    def practitioners_for(self, appointment_type_id: str) -> list[Mapping[str, Any]]:
        return list(self.pages(f"/appointment_types/{appointment_type_id}/practitioners", "practitioners"))

    def businesses(self) -> list[Mapping[str, Any]]:
        return list(self.pages("/businesses", "businesses"))

    def available_times(
        self, business_id: str, practitioner_id: str, appointment_type_id: str, start: dt.date, end: dt.date
    ) -> list[str]:
        if (end - start).days > MAX_DAYS - 1 or end < start:
            raise ValueError("Cliniko gives available times for at most 7 days at a time")
        path = (
            f"/businesses/{business_id}/practitioners/{practitioner_id}/appointment_types/"
            f"{appointment_type_id}/available_times"
        )
        params = [("from", start.isoformat()), ("to", end.isoformat())]
        return [str(item["appointment_start"]) for item in self.pages(path, "available_times", params)]

    def find_patient(
        self, first_name: str, last_name: str, email: Optional[str], phone: Optional[str]
    ) -> Optional[str]:
        if email:
            for patient in self.pages("/patients", "patients", [("q[]", f"email:={email}")]):
                return str(patient["id"])
        if phone and last_name:
            filters = [("q[]", f"first_name:={first_name}"), ("q[]", f"last_name:={last_name}")]
            for patient in self.pages("/patients", "patients", filters):
                numbers = {re.sub(r"\D", "", n.get("number", "")) for n in patient.get("patient_phone_numbers") or []}
                if {phone.lstrip("+"), "0" + phone[3:]} & numbers:
                    return str(patient["id"])
        return None

    def create_patient(self, first_name: str, last_name: str, email: Optional[str], phone: Optional[str]) -> str:
        body: dict[str, Any] = {"first_name": first_name, "last_name": last_name}
        if email:
            body["email"] = email
        if phone:
            body["patient_phone_numbers"] = [
                {"phone_type": "Mobile" if phone.startswith("+447") else "Home", "number": phone}
            ]
        return str(self.request("POST", "/patients", body=body)["id"])

    def find_appointment(self, patient_id: str, starts_at: str) -> Optional[str]:
        filters = [("q[]", f"patient_id:={patient_id}"), ("q[]", f"starts_at:={starts_at}")]
        for appointment in self.pages("/individual_appointments", "individual_appointments", filters):
            return str(appointment["id"])
        return None

    def create_appointment(self, slot: SlotChoice, patient_id: str, notes: str) -> str:
        body = {
            "starts_at": slot.starts_at,
            "patient_id": patient_id,
            "practitioner_id": slot.practitioner_id,
            "appointment_type_id": slot.appointment_type_id,
            "business_id": slot.business_id,
            "notes": notes,
        }
        return str(self.request("POST", "/individual_appointments", body=body)["id"])


def _reset_time(value: Optional[str]) -> Optional[dt.datetime]:
    try:
        return dt.datetime.fromtimestamp(int(float(value)), tz=dt.timezone.utc) if value else None
    except (TypeError, ValueError, OverflowError):
        return None


def split_name(name: str) -> tuple[str, str]:
    parts = name.split()
    return (parts[0], " ".join(parts[1:])) if len(parts) > 1 else (name, "")


def slot_label(starts_at: str, practitioner: str) -> str:
    """'Tue 2 Dec, 9:45am with Alex Morgan', in UK time."""
    moment = dt.datetime.fromisoformat(starts_at.replace("Z", "+00:00")).astimezone(LONDON)
    hour = moment.strftime("%I").lstrip("0")
    minute = "" if moment.minute == 0 else moment.strftime(":%M")
    when = (
        f"{moment.strftime('%a')} {moment.day} {moment.strftime('%b')}, {hour}{minute}{moment.strftime('%p').lower()}"
    )
    return f"{when} with {practitioner}" if practitioner else when


def appointment_notes(request: BookingRequest) -> str:
    lines = [f"Booked through the website chat assistant, reference {request.reference}."]
    if request.reason:
        lines.append(f"Reason: {request.reason}")
    if request.payment_text():
        lines.append(f"Payment: {request.payment_text()}")
    if request.screening:
        lines.append(f"Red-flag screen: {request.screening}")
    return "\n".join(lines)


class ClinikoBackend:
    name = "cliniko"

    def __init__(
        self,
        client: ClinikoClient,
        store: BookingStore,
        mode: str = "appointment",
        business_id: Optional[str] = None,
        appointment_types: Optional[Mapping[str, str]] = None,
        booking_link: str = "",
        days_ahead: int = MAX_DAYS,
        max_offers: int = 4,
    ) -> None:
        self.client, self.store, self.mode = client, store, mode
        self.business_id = business_id
        self.type_names = {k.lower(): v for k, v in (appointment_types or {}).items()}
        self.booking_link = booking_link
        self.days_ahead = min(MAX_DAYS, max(1, days_ahead))
        self.max_offers = max_offers

    def _appointment_type_id(self, client: ClinikoClient, service: str) -> Optional[str]:
        wanted = self.type_names.get(service.lower(), service).lower()
        for item in client.appointment_types():
            if str(item.get("name", "")).lower() == wanted:
                return str(item["id"])
        return None

    def _business_id(self, client: ClinikoClient) -> str:
        if self.business_id:
            return self.business_id
        businesses = client.businesses()
        if not businesses:
            raise BackendRejected("the Cliniko account has no business")
        return str(businesses[0]["id"])

    def offer_times(
        self,
        appointment_type: str,
        preference: Optional[TimePreference],
        now: Optional[dt.datetime] = None,
        deadline: Deadline = NO_DEADLINE,
    ) -> Sequence[SlotChoice]:
        """Up to `max_offers` real free times in the next days that fit the preference, earliest first."""
        if self.mode != "appointment":
            return ()
        client = self.client.within(deadline)
        type_id = self._appointment_type_id(client, appointment_type)
        if not type_id:
            return ()
        business_id = self._business_id(client)
        today = (now or dt.datetime.now(dt.timezone.utc)).astimezone(LONDON).date()
        end = today + dt.timedelta(days=self.days_ahead - 1)
        offers: list[SlotChoice] = []
        for practitioner in client.practitioners_for(type_id)[:5]:
            name = str(
                practitioner.get("label") or f"{practitioner.get('first_name', '')} {practitioner.get('last_name', '')}"
            ).strip()
            for starts_at in client.available_times(business_id, str(practitioner["id"]), type_id, today, end):
                local = dt.datetime.fromisoformat(starts_at.replace("Z", "+00:00")).astimezone(LONDON)
                if preference and not preference.accepts(DAYS[local.weekday()], local.hour * 60 + local.minute):
                    continue
                offers.append(
                    SlotChoice(starts_at, slot_label(starts_at, name), type_id, str(practitioner["id"]), business_id)
                )
        offers.sort(key=lambda offer: offer.starts_at)
        return offers[: self.max_offers]

    def submit(self, request: BookingRequest, deadline: Deadline = NO_DEADLINE) -> Submission:
        if request.slot is None or self.mode != "appointment":
            # Call-backs, and bookings without a chosen time, are for the team to arrange: Cliniko has no
            # place for a request, so they wait in the local file, listed by scripts/bookings.py.
            self.store.add(request)
            link = self.booking_link if self.mode == "link" and request.kind == "booking" else None
            return Submission(request.reference, "stored", self.name, booking_link=link)
        client = self.client.within(deadline)
        first, last = split_name(request.name)
        patient_id = client.find_patient(first, last, request.email, request.phone)
        if patient_id is None:
            patient_id = client.create_patient(first, last or "-", request.email, request.phone)
        # A retry after a lost reply (or after the deadline cut a request short) must not book twice: look for
        # the appointment first.
        if client.find_appointment(patient_id, request.slot.starts_at) is None:
            client.create_appointment(request.slot, patient_id, appointment_notes(request))
        return Submission(request.reference, "booked", self.name, appointment=request.slot.label)
