"""A local fake of the parts of Cliniko's API the booking backend uses, following its public documentation:
/v1 paths, HTTP Basic auth with the API key as user name, a User-Agent naming the app and an email, paginated
JSON lists with `links.next`, `q[]` filters such as `email:=x`, available_times for at most 7 days, and errors:
401 (wrong key), 404 (unknown path or id), 422 (refused fields, with `errors`), 429 (with X-RateLimit-Reset).
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional
from urllib.parse import parse_qs, urlparse

API_KEY = "MS0xLWZha2Vfa2V5X2Zvcl90ZXN0cw-uk1"


@dataclass
class ClinikoState:
    api_key: str = API_KEY
    businesses: list[dict[str, Any]] = field(default_factory=lambda: [{"id": "101", "business_name": "Example Clinic"}])
    appointment_types: list[dict[str, Any]] = field(
        default_factory=lambda: [
            {"id": "201", "name": "Free assessment", "duration_in_minutes": 30},
            {"id": "202", "name": "Physiotherapy", "duration_in_minutes": 45},
        ]
    )
    practitioners: list[dict[str, Any]] = field(
        default_factory=lambda: [
            {"id": "301", "first_name": "Alex", "last_name": "Morgan", "label": "Alex Morgan"},
        ]
    )
    free_times: list[str] = field(default_factory=list)  # UTC "YYYY-MM-DDTHH:MM:SSZ"
    patients: list[dict[str, Any]] = field(default_factory=list)
    appointments: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)  # method, path, headers
    rate_limited: int = 0  # answer the next N requests with 429
    rate_reset_in: float = 1.0
    fail_with: Optional[int] = None  # answer every request with this status (500, 503...)
    delay_seconds: float = 0.0  # how long every request takes (a slow clinic system), before it is answered
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    state: ClinikoState

    def log_message(self, *args: Any) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: Any = None, headers: Optional[dict[str, str]] = None) -> None:
        data = json.dumps(body if body is not None else {}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self) -> bool:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        user, _, _password = base64.b64decode(header[6:]).decode().partition(":")
        # Cliniko accepts the key with or without its shard suffix.
        return user in (self.state.api_key, self.state.api_key.rsplit("-", 1)[0])

    def _route(self, method: str) -> None:
        state = self.state
        url = urlparse(self.path)
        query = parse_qs(url.query)
        with state.lock:
            state.requests.append((method, url.path, dict(self.headers)))
        if state.delay_seconds:
            time.sleep(state.delay_seconds)  # outside the lock: slow requests are slow side by side, as for real
        with state.lock:
            if state.fail_with:
                return self._send(state.fail_with, {"message": "Service unavailable"})
            if state.rate_limited > 0:
                state.rate_limited -= 1
                reset = str(int(time.time() + state.rate_reset_in))
                return self._send(429, {"message": "Too many requests"}, {"X-RateLimit-Reset": reset})
        if not self._authorised():
            return self._send(401, {"message": "Unauthorized"})
        parts = [p for p in url.path.split("/") if p]
        if parts[:1] != ["v1"]:
            return self._send(404, {"message": "Not found"})
        parts = parts[1:]
        body = {}
        if method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
        with state.lock:
            return self._dispatch(method, parts, query, body)

    def _page(self, key: str, items: list[dict[str, Any]], query: dict[str, list[str]]) -> None:
        per_page = int((query.get("per_page") or ["50"])[0])
        page = int((query.get("page") or ["1"])[0])
        chunk = items[(page - 1) * per_page : page * per_page]
        links = {"self": f"{self.path}"}
        if page * per_page < len(items):
            links["next"] = (
                f"http://{self.headers['Host']}{urlparse(self.path).path}?page={page + 1}&per_page={per_page}"
            )
        self._send(200, {key: chunk, "total_entries": len(items), "links": links})

    @staticmethod
    def _filtered(items: list[dict[str, Any]], query: dict[str, list[str]]) -> list[dict[str, Any]]:
        for condition in query.get("q[]", []):
            name, _, value = condition.partition(":=")
            items = [item for item in items if str(item.get(name, "")).lower() == value.lower()]
        return items

    def _dispatch(self, method: str, parts: list[str], query: dict[str, list[str]], body: dict[str, Any]) -> None:
        state = self.state
        if method == "GET" and parts == ["businesses"]:
            return self._page("businesses", state.businesses, query)
        if method == "GET" and parts == ["appointment_types"]:
            return self._page("appointment_types", state.appointment_types, query)
        if method == "GET" and len(parts) == 3 and parts[0] == "appointment_types" and parts[2] == "practitioners":
            if not any(t["id"] == parts[1] for t in state.appointment_types):
                return self._send(404, {"message": "Appointment type not found"})
            return self._page("practitioners", state.practitioners, query)
        if method == "GET" and len(parts) == 7 and parts[0] == "businesses" and parts[6] == "available_times":
            business, practitioner, appointment_type = parts[1], parts[3], parts[5]
            if (
                business not in {b["id"] for b in state.businesses}
                or practitioner not in {p["id"] for p in state.practitioners}
                or appointment_type not in {t["id"] for t in state.appointment_types}
            ):
                return self._send(404, {"message": "Not found"})
            try:
                start = dt.date.fromisoformat(query["from"][0])
                end = dt.date.fromisoformat(query["to"][0])
            except (KeyError, ValueError):
                return self._send(422, {"message": "from and to are required", "errors": {"from": ["is required"]}})
            if (end - start).days > 7 or end < start:
                return self._send(
                    422, {"message": "Invalid date range", "errors": {"to": ["cannot be more than 7 days after from"]}}
                )
            taken = {a["starts_at"] for a in state.appointments}
            times = [t for t in state.free_times if start <= dt.date.fromisoformat(t[:10]) <= end and t not in taken]
            return self._page("available_times", [{"appointment_start": t} for t in times], query)
        if method == "GET" and parts == ["patients"]:
            return self._page("patients", self._filtered(state.patients, query), query)
        if method == "POST" and parts == ["patients"]:
            missing = {name: ["can't be blank"] for name in ("first_name", "last_name") if not body.get(name)}
            if missing:
                return self._send(422, {"message": "Validation failed", "errors": missing})
            patient = {"id": str(1000 + len(state.patients)), **body}
            state.patients.append(patient)
            return self._send(201, patient, {"Location": f"/v1/patients/{patient['id']}"})
        if method == "GET" and parts == ["individual_appointments"]:
            return self._page("individual_appointments", self._filtered(state.appointments, query), query)
        if method == "POST" and parts == ["individual_appointments"]:
            required = ("starts_at", "patient_id", "practitioner_id", "appointment_type_id", "business_id")
            missing = {name: ["can't be blank"] for name in required if not body.get(name)}
            if missing:
                return self._send(422, {"message": "Validation failed", "errors": missing})
            if not any(p["id"] == str(body["patient_id"]) for p in state.patients):
                return self._send(404, {"message": "Patient not found"})
            if body["starts_at"] not in state.free_times or any(
                a["starts_at"] == body["starts_at"] for a in state.appointments
            ):
                return self._send(422, {"message": "Validation failed", "errors": {"starts_at": ["is not available"]}})
            appointment = {"id": str(5000 + len(state.appointments)), **{k: str(v) for k, v in body.items()}}
            state.appointments.append(appointment)
            return self._send(201, appointment)
        return self._send(404, {"message": "Not found"})

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")


@contextlib.contextmanager
def fake_cliniko(state: Optional[ClinikoState] = None) -> Iterator[tuple[str, ClinikoState]]:
    """Serve the fake on a free local port; yields (base URL ending in /v1, state)."""
    state = state or ClinikoState()
    handler = type("Handler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", state
    finally:
        server.shutdown()
        server.server_close()
