"""The six domains for leadership (六大领域): /lead/domain?school=&domain=&range=&lang=en

One domain of one school over a range (the last 24 hours by the hour, or the last 7 or 30 local
days by the day): events and alerts raised as a trend, alerts by type and by place, mean (median,
P90) time to acknowledge and to resolve, the false-alarm rate per device system, and the devices
of the domain's systems, with those offline listed. Domain tabs and the range are links, so the
page needs no callback; each view is drawn with its data on load.

The ledger's parts come from SQL through queries/ledger/lead_domain.py, the events of past days
from `daily_domain_events` (the recorder's daily snapshot), the last 24 hours' events and the
devices from Redis (the summary the wall reads, and the device register). Without Redis the page
still draws every ledger part and says the live parts are unavailable. Read only.
"""
from __future__ import annotations

from dataclasses import replace

import dash
import redis
from sqlalchemy.exc import SQLAlchemyError

from dashboard.lead_context import resolve
from dashboard.pages.lead_domain import figures
from dashboard.pages.lead_domain import view as part
from dashboard.services import services
from kernel.device_systems import DOMAIN_SYSTEMS
from layouts.lead_frame import frame
from layouts.lead_live import live_state
from queries.devices import device_register
from queries.ledger import lead_domain as q
from queries.ledger import org

PAGE = "lead_domain"
dash.register_page(__name__, path="/lead/domain", name=PAGE, title="六大领域 · 校园安全指挥中心")


def _live(live, school: str, systems: tuple[str, ...],
          now_ms: int) -> tuple[dict | None, dict[str, str], bool]:
    """The live summary (its hours ending at `now_ms`, as the page's), the device register (read only
    when the domain has device systems) and whether Redis answered."""
    try:
        summary = live.summary(school, now_ms=now_ms)
        register = device_register(live.redis, school) if systems and summary is not None else {}
        return summary, register, True
    except redis.RedisError:
        return None, {}, False


def layout(school: object = None, lang: object = None, domain: object = None, **query):
    view = resolve(school, lang)
    if view.problem:
        return frame(view, PAGE, None)
    domain_, range_ = figures.pick_domain(domain), figures.pick_range(query.get("range"))
    live = services()
    tz = live.settings.tz
    now = live.now()
    window = figures.window(range_, now, tz)
    try:
        with live.ledger_reads() as db:
            found = org.find_school(db, view.school)
            args = dict(school_id=found.id, domain=domain_)
            span = dict(args, start=window.start, end=window.end)
            alerts = q.alerts_by_bucket(db, **args, edges=window.edges)
            events = q.events_by_day(db, **args, days=window.days) if window.days else None
            by_type = q.alerts_by_type(db, **span)
            places, places_total = q.alerts_by_building(db, **span, limit=part.PLACES_SHOWN)
            ack, resolved = q.response_times(db, **span)
            rates = figures.false_alarm_rates(q.false_alarm_rows(db, **span))
    except SQLAlchemyError:
        return frame(replace(view, problem="ledger_down"), PAGE, None)
    systems = DOMAIN_SYSTEMS[domain_]
    summary, register, reachable = _live(live, view.school, systems, int(now.timestamp() * 1000))
    if events is None and summary is not None:  # the last 24 hours: Redis's hourly counts
        events = [int(n) for n in summary["domains"][domain_]["trend_24h"]]
    offline, offline_total = figures.offline_devices(register, systems, part.OFFLINE_SHOWN)
    data = part.DomainData(
        domain=domain_, window=window, events=events, alerts=alerts, by_type=by_type, places=places,
        places_total=places_total, ack=ack, resolve=resolved, rates=rates,
        live_state=live_state(summary, reachable), live_lag=(summary or {}).get("lag_seconds"),
        systems=systems, devices=figures.device_counts(summary, systems), offline=offline,
        offline_total=offline_total)
    href = lambda **change: view.href(PAGE, **{"domain": domain_, "range": range_, **change})  # noqa: E731
    return frame(view, PAGE, part.body(view.lang, data, href=href, tz=tz))
