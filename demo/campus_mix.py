"""What happens when on a campus: the share of each kind of happening by local hour and school kind.

The simulator sends at a fixed rate, so these weights set the *mix* of each hour: at 08:00 most
events are swipes at the gates, at 03:00 most are sensor readings and patrol rounds. Weights are
relative; a category whose devices a school lacks (a primary school has no speed radar) gets none.
"""
from __future__ import annotations

from itertools import accumulate
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from demo.campus_day import SchoolDay

Hours = tuple[float, ...]  # 24 values, local hours 0-23

# Share of card holders on site by local hour 0-23 (university students sleep in campus dormitories, the
# middle school boards half of its pupils, the primary school empties at night).
OCCUPANCY: dict[str, Hours] = {
    "university": (.3, .3, .3, .3, .3, .3, .32, .5, .75, .8, .8, .75, .6, .7, .8, .8, .75, .55, .45, .5, .55,
                   .5, .35, .3),
    "middle": (.45, .45, .45, .45, .45, .45, .5, .85, .95, .95, .95, .95, .7, .85, .95, .95, .95, .7, .6, .85,
               .85, .6, .45, .45),
    "primary": (.02, .02, .02, .02, .02, .02, .05, .6, .95, .95, .95, .95, .8, .9, .95, .95, .6, .2, .05, .02,
                .02, .02, .02, .02),
}

# Swipes peak at arrival, class changes, lunch and leaving; the boarding middle school has evening
# study (晚自习) until 21:30, the primary school empties by 17:00.
# Relative weights on a 0-10 scale, by local hour 0-23.
ATTENDANCE: dict[str, Hours] = {
    "university": (.5, .2, 0, 0, 0, .2, 1.5, 7, 9, 3, 5.5, 3.5, 7, 4.5, 7, 3, 5.5, 8, 4.5, 3, 3, 5.5, 4.5, 1.5),
    "middle": (0, 0, 0, 0, 0, .5, 5.5, 9, 2, 1, 1.5, 3, 5.5, 3, 5.5, 1.5, 2, 8, 4.5, 1.5, 1, 4.5, 1, 0),
    "primary": (0, 0, 0, 0, 0, 0, 1, 10, 3, .5, .5, 3.5, 2.5, 3.5, 1.5, 3, 8, 6, 2.5, .8, .2, 0, 0, 0),
}
# Visitors come mid-morning and mid-afternoon; cars with the people at arrival and leaving.
VISITORS: Hours = (0, 0, 0, 0, 0, 0, 0, .5, 3, 7, 10, 5, 1.5, 2, 7, 9, 5, 1.5, .5, .2, 0, 0, 0, 0)
VEHICLES: Hours = (.2, .1, .1, .1, .1, .3, 2, 8, 7, 3.5, 3, 3, 4, 3.5, 3.5, 3, 4.5, 7.5, 4.5, 2, 1, .8, .5, .3)
# Inspections, trainings and assessments happen in office hours.
OFFICE: Hours = (0, 0, 0, 0, 0, 0, 0, 0, 8, 10, 10, 9, 3, 2, 8, 10, 10, 6, 0, 0, 0, 0, 0, 0)
# Guards walk more rounds at night; fences are climbed at night.
NIGHT: Hours = tuple(10 if hour < 6 or hour >= 20 else 4 for hour in range(24))
FLAT: Hours = (10,) * 24

# maker name -> (weight, hourly shape or None for ATTENDANCE by school kind, weekend factor,
#                device kind it needs, may be sent late)
# Late messages are only drawn from happenings with no earlier step of their own, so lateness
# never puts an event before the event it follows (a swipe-out before its swipe-in).
CATEGORIES: dict[str, tuple[float, Hours | None, float, str | None, bool]] = {
    "attendance": (50, None, 1, "reader", False),  # weekends: WEEKEND_ATTENDANCE
    "sensor_reading": (30, FLAT, 1, None, True),
    "vehicle_entry": (6, VEHICLES, 0.35, "barrier", False),
    "visitor_check_in": (4, VISITORS, 0.15, "reader", False),
    "patrol_checkpoint": (4, NIGHT, 1, None, True),
    "campaign_check": (1.5, OFFICE, 0.1, None, True),
    "hazard_reported": (0.1, OFFICE, 0.1, None, False),
    "training": (0.06, OFFICE, 0.1, None, True),
    "drill": (0.01, OFFICE, 0.1, None, True),
    "assessment": (0.005, OFFICE, 0.1, None, True),
    # What raises alerts is rare: about 0.1-0.2 % of events (≈ 100 alerts an hour at 20 events/s).
    "device_offline": (0.008, FLAT, 1, None, False),
    "vehicle_speeding": (0.012, VEHICLES, 0.35, "radar", True),
    "one_key_alarm": (0.003, FLAT, 1, "sos", True),
    "smoke_alarm": (0.005, FLAT, 1, "smoke", True),
    "perimeter_intrusion": (0.006, NIGHT, 1, "fence", True),
    "video_alarm": (0.008, FLAT, 1, "cam", True),
    "watchlist_hit": (0.005, VISITORS, 0.15, "reader", True),
    "weather_warning": (0.0004, FLAT, 1, None, True),
}
# A university stays busier at weekends than a school that closes.
WEEKEND_ATTENDANCE = {"university": 0.6, "middle": 0.3, "primary": 0.05}


class HourMix(NamedTuple):
    """Cumulative weights and the makers they pick, for one hour."""

    cumulative: list[float]
    makers: list


def hour_mixes(day: SchoolDay, *, late: bool) -> dict[tuple[bool, int], HourMix]:
    """The mix of each (weekend, hour) for one school; `late` keeps the categories that may be late."""
    kind = day.school.kind
    mixes = {}
    for weekend in (False, True):
        for hour in range(24):
            weights, makers = [], []
            for name, (weight, shape, weekend_factor, needs, may_be_late) in CATEGORIES.items():
                if (needs and not day.has(needs)) or (late and not may_be_late):
                    continue
                shape = shape or ATTENDANCE[kind]
                if weekend:
                    weight *= WEEKEND_ATTENDANCE[kind] if name == "attendance" else weekend_factor
                if weight * shape[hour] > 0:
                    weights.append(weight * shape[hour])
                    makers.append(getattr(day, name))
            mixes[(weekend, hour)] = HourMix(list(accumulate(weights)), makers)
    return mixes


def daily_share(mixes: dict[tuple[bool, int], HourMix], maker_name: str) -> float:
    """The share of a school day's events one maker produces, averaged over a weekday's hours."""
    total = 0.0
    for hour in range(24):
        mix = mixes[(False, hour)]
        previous = 0.0
        for cumulative, maker in zip(mix.cumulative, mix.makers):
            if maker.__name__ == maker_name:
                total += (cumulative - previous) / mix.cumulative[-1]
            previous = cumulative
    return total / 24
