"""The state of a leadership page's live figures (the Redis summary the wall reads), shared by the
overview and the domain page: what each says when the live part is missing or old."""
from __future__ import annotations


def live_state(summary: dict | None, reachable: bool) -> str:
    """"unreachable" (Redis did not answer), "none" (no live data for the school), "stale" (the
    consumer stopped or fell behind: the summary says so) or "live"."""
    if not reachable:
        return "unreachable"
    if summary is None:
        return "none"
    return "stale" if summary.get("stale") else "live"
