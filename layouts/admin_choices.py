"""The pickers the administration pages share, pure: schools, and the places (a building, or a zone
of it) and responsible units of one school, each labelled by its name in the page's language and
valued by its code (ids stay in values and URLs; people read names)."""
from __future__ import annotations

from kernel.names import local_name
from layouts.i18n import Language

PLACE_SEPARATOR = "|"  # a place option's value: "building" or "building|zone"


def name_of(lang: Language, choice) -> str:
    """Anything with name_zh and name_en: its English name on an English page when it has one."""
    return local_name(lang, choice.name_zh, choice.name_en)


def school_options(lang: Language, schools) -> list[dict]:
    return [{"label": name_of(lang, s), "value": s.code} for s in schools]


def place_options(lang: Language, parts) -> list[dict]:
    """Every building of the school, and every zone as "building · zone", in code order."""
    names = {b.code: name_of(lang, b) for b in parts.buildings}
    options = [{"label": names[b.code], "value": b.code} for b in parts.buildings]
    options += [{"label": f"{names.get(z.parent, z.parent)} · {name_of(lang, z)}",
                 "value": f"{z.parent}{PLACE_SEPARATOR}{z.code}"} for z in parts.zones]
    return sorted(options, key=lambda o: o["value"])


def place_value(building: str | None, zone: str | None) -> str | None:
    """The picker's value of a stored place (None: no building)."""
    return building + (PLACE_SEPARATOR + zone if zone else "") if building else None


def unit_options(lang: Language, parts) -> list[dict]:
    return [{"label": name_of(lang, u), "value": u.code} for u in parts.units]
