"""The image must never carry a clinic's data: every path .gitignore keeps out of the repository (conversations,
booking requests, reports, the audit log, service data, local environments, models) is kept out of the Docker
build context too, while everything the servers run stays in. Docker's own matching rules are applied here
(patterns relative to the context root, `**` for any folders, a matched folder takes its contents with it, the
last matching line wins), since Docker cannot run on this machine."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def patterns(path: Path) -> list[str]:
    lines = (line.strip() for line in path.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _regex(pattern: str) -> re.Pattern[str]:
    out, index = "", 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            out, index = out + "(?:.*/)?", index + 3
        elif pattern.startswith("**", index):
            out, index = out + ".*", index + 2
        elif pattern[index] == "*":
            out, index = out + "[^/]*", index + 1
        elif pattern[index] == "?":
            out, index = out + "[^/]", index + 1
        else:
            out, index = out + re.escape(pattern[index]), index + 1
    return re.compile(out)


def docker_excludes(rules: list[str], path: str) -> bool:
    """Whether Docker leaves `path` (relative to the context) out of the build context."""
    parts = path.split("/")
    candidates = ["/".join(parts[:end]) for end in range(1, len(parts) + 1)]
    excluded = False
    for rule in rules:
        negated = rule.startswith("!")
        pattern = rule.lstrip("!").strip("/")
        if any(_regex(pattern).fullmatch(candidate) for candidate in candidates):
            excluded = not negated
    return excluded


def example_path(gitignore_pattern: str) -> str:
    """A file in the project root that the .gitignore line names: `results/` -> results/example."""
    path = gitignore_pattern.strip("/").replace("**/", "").replace("*", "example")
    return f"{path}/example" if gitignore_pattern.endswith("/") or gitignore_pattern.endswith("/*") else path


DOCKER_RULES = patterns(ROOT / ".dockerignore")
GIT_RULES = [rule for rule in patterns(ROOT / ".gitignore") if not rule.startswith("!")]


def test_the_build_context_ignore_file_is_the_only_one() -> None:
    # BuildKit prefers deploy/Dockerfile.dockerignore over the root file when it exists: one list, not two.
    assert not (ROOT / "deploy" / "Dockerfile.dockerignore").exists()


@pytest.mark.parametrize("rule", GIT_RULES)
def test_what_git_leaves_out_the_image_leaves_out(rule: str) -> None:
    path = example_path(rule)
    assert docker_excludes(DOCKER_RULES, path), f"{path} (.gitignore: {rule}) would be copied into the image"


@pytest.mark.parametrize(
    "path",
    [
        "reports/report-2026-11-24.html",
        "logs/review-audit.log",
        "logs/erasures.log",
        "results/bench.md",
        ".services/postgres/base/1",
        "tracker.db",
        "bookings.db",
        "bookings.db-wal",
        "console.db",
        "data/x/tracker.db",
        "models/backspasm-0123456789abcdef.tar.gz",
        ".venv/bin/python",
        "widget/node_modules/axe-core/axe.js",
        "node_modules/axe-core/axe.js",
        "deploy/.env",
        ".git/HEAD",
    ],
)
def test_data_logs_secrets_and_models_stay_out(path: str) -> None:
    assert docker_excludes(DOCKER_RULES, path)


@pytest.mark.parametrize(
    "path",
    [
        "requirements.txt",
        "requirements-model.txt",
        "scripts/run.sh",
        "endpoints.yml",
        "credentials.yml",
        "domain.yml",
        "config.yml",
        "clinic.yml",
        "logging.yml",
        "actions/booking.py",
        "backcare/booking/store.py",
        "channels/whatsapp.py",
        "stores/lock_store.py",
        "gateway/actions.py",
        "console/app.py",
        "data/rules.yml",
        "rasa_patches/__init__.py",
        "widget/demo/index.html",
    ],
)
def test_what_the_servers_run_goes_in(path: str) -> None:
    assert not docker_excludes(DOCKER_RULES, path)


def test_the_matcher_follows_dockers_rules() -> None:
    assert docker_excludes(["reports"], "reports/a/b.html") and not docker_excludes(["reports"], "x/reports/a")
    assert docker_excludes(["**/*.db"], "a/b/c.db") and docker_excludes(["**/*.db"], "c.db")
    assert not docker_excludes(["models", "!models/README.md"], "models/README.md")
