"""The Rasa server's HTTP API and CORS as scripts/run.sh sets them up: the API is off unless switched on, and
then needs the token or a JWT; only the configured web origin may call the REST channel from a browser."""

from __future__ import annotations

import jwt
import requests

from tests.prod.cluster import ALLOWED_ORIGIN, API_TOKEN, JWT_SECRET, Cluster

REST = "/webhooks/rest/webhook"


def test_the_api_is_off_by_default(cluster: Cluster) -> None:
    url = cluster.instances[1].assistant.rasa_url
    assert requests.get(f"{url}/status", timeout=10).status_code == 404
    assert (
        requests.get(f"{url}/conversations/someone/tracker", params={"token": API_TOKEN}, timeout=10).status_code == 404
    )


def test_the_api_when_on_needs_the_token_or_a_jwt(cluster: Cluster) -> None:
    url = f"{cluster.api_url}/conversations/someone/tracker"
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, params={"token": "wrong"}, timeout=10).status_code == 401
    assert requests.get(url, params={"token": API_TOKEN}, timeout=10).status_code == 200
    staff = jwt.encode({"user": {"username": "staff", "role": "admin"}}, JWT_SECRET, algorithm="HS256")
    forged = jwt.encode({"user": {"username": "staff", "role": "admin"}}, "guessed", algorithm="HS256")
    assert requests.get(url, headers={"Authorization": f"Bearer {staff}"}, timeout=10).status_code == 200
    assert requests.get(url, headers={"Authorization": f"Bearer {forged}"}, timeout=10).status_code == 401


def test_only_the_configured_origin_may_call_the_rest_channel_from_a_browser(cluster: Cluster) -> None:
    url = cluster.instances[1].assistant.rasa_url + REST

    def preflight(origin: str) -> requests.Response:
        return requests.options(
            url,
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
            timeout=10,
        )

    assert preflight(ALLOWED_ORIGIN).headers.get("Access-Control-Allow-Origin") == ALLOWED_ORIGIN
    assert "Access-Control-Allow-Origin" not in preflight("https://evil.example").headers
    sent = requests.post(
        url, json={"sender": "cors", "message": "hello"}, timeout=30, headers={"Origin": "https://evil.example"}
    )
    assert "Access-Control-Allow-Origin" not in sent.headers
