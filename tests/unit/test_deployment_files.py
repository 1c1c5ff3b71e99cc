"""The deployment files cannot be run here (no Docker, no Kubernetes cluster on this machine), so their shape is
checked: valid YAML, every process started through scripts/run.sh, and every setting endpoints-env.yml reads given
to the Rasa server."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
MODES = {"rasa", "actions", "gateway"}
ENDPOINT_VARIABLES = set(re.findall(r"\$\{(\w+)\}", (ROOT / "endpoints-env.yml").read_text()))


class PlainLoader(yaml.SafeLoader):
    """YAML as Docker and Kubernetes read it: without the ${VAR} expansion Rasa adds to every loader."""


PlainLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "!env_var"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_all(path: Path) -> list[dict[str, Any]]:
    return [document for document in yaml.load_all(path.read_text(), Loader=PlainLoader) if document]


def compose() -> dict[str, Any]:
    return load_all(DEPLOY / "docker-compose.yml")[0]


def kubernetes_documents() -> list[dict[str, Any]]:
    manifests = sorted(set((DEPLOY / "kubernetes").glob("*.yaml")) - {DEPLOY / "kubernetes" / "kustomization.yaml"})
    return [document for path in manifests for document in load_all(path)]


def test_compose_runs_every_process_through_run_sh_and_publishes_only_nginx() -> None:
    services = compose()["services"]
    assert {services[name]["command"][0] for name in ("rasa", "actions", "gateway")} == MODES
    assert [name for name, service in services.items() if "ports" in service] == ["nginx"]
    assert int(services["rasa"]["deploy"]["replicas"]) >= 2 and int(services["actions"]["deploy"]["replicas"]) >= 2


def test_compose_gives_the_rasa_servers_every_setting_of_endpoints_yml() -> None:
    rasa = compose()["services"]["rasa"]
    assert set(rasa["environment"]) >= ENDPOINT_VARIABLES
    assert rasa["environment"]["LOCK_STORE_TYPE"] == "stores.lock_store.OrderedRedisLockStore"
    assert rasa["environment"]["RASA_API"] == "off"


@pytest.mark.parametrize("document", kubernetes_documents(), ids=lambda document: document["kind"])
def test_kubernetes_manifests_are_complete_objects(document: dict[str, Any]) -> None:
    assert document["apiVersion"] and document["kind"] and document["metadata"]["name"]


def test_kubernetes_rasa_pods_get_every_setting_of_endpoints_yml() -> None:
    documents = kubernetes_documents()
    deployment = next(d for d in documents if d["kind"] == "Deployment" and d["metadata"]["name"] == "rasa")
    rasa = next(c for c in deployment["spec"]["template"]["spec"]["containers"] if c["name"] == "rasa")
    secret = load_all(DEPLOY / "kubernetes" / "secret.example.yaml")[0]
    given = {variable["name"] for variable in rasa["env"]} | set(secret["stringData"])
    assert given >= ENDPOINT_VARIABLES
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert {container["args"][0] for container in containers} == {"rasa", "gateway"}


def test_only_the_webhooks_are_published() -> None:
    ingress = next(d for d in kubernetes_documents() if d["kind"] == "Ingress")
    assert [path["path"] for rule in ingress["spec"]["rules"] for path in rule["http"]["paths"]] == ["/webhooks/"]
    assert "location /webhooks/" in (DEPLOY / "nginx.conf").read_text()


def test_every_kubernetes_file_is_listed_in_the_kustomization() -> None:
    listed = set(load_all(DEPLOY / "kubernetes" / "kustomization.yaml")[0]["resources"])
    on_disk = {p.name for p in (DEPLOY / "kubernetes").glob("*.yaml")} - {"kustomization.yaml", "secret.example.yaml"}
    assert listed == on_disk


def test_compose_runs_one_staff_console_beside_the_booking_file_behind_nginx_under_its_own_name() -> None:
    services = compose()["services"]
    console = services["console"]
    assert console["command"] == ["console"] and "ports" not in console and "deploy" not in console, "one instance"
    assert set(console["environment"]) >= ENDPOINT_VARIABLES, "it reads the same tracker store"
    assert console["environment"]["BOOKING_DB"] == services["actions"]["environment"]["BOOKING_DB"]
    assert "bookings:/data" in console["volumes"] and "bookings:/data" in services["actions"]["volumes"]
    assert console["environment"]["CONSOLE_PROXIES"] == "1"
    nginx = (DEPLOY / "nginx.conf").read_text()
    staff = nginx[nginx.index("server_name staff.") :]
    assert "proxy_pass http://console:5060;" in staff and "proxy_pass http://console" not in nginx[: nginx.index(staff)]
