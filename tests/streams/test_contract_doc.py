"""docs/events.md is what vendors code against: it must name every type and refusal reason."""
from __future__ import annotations

from pathlib import Path

from kernel import contract
from kernel.catalogue import CATALOGUE, DOMAINS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "events.md").read_text(encoding="utf-8")


def test_every_type_and_its_fields_are_documented():
    for event_type, (_, fields) in CATALOGUE.items():
        assert f"`{event_type}`" in DOC, event_type
        row = next(line for line in DOC.splitlines() if line.startswith(f"| `{event_type}`"))
        if "same as above" in row or row.endswith("| same |"):
            continue
        for name in fields:
            assert f"`{name}" in row, (event_type, name)


def test_every_domain_and_refusal_reason_is_documented():
    for domain in DOMAINS:
        assert f"`{domain}`" in DOC
    for reason in contract.REASONS:
        assert f"| `{reason}` |" in DOC, reason
