"""`python -m ledger district-map …`: the district wall's map (issue 17; docs/district.md).

    python -m ledger district-map image henan.xinxiang.demo district.png   # a PNG or JPG, checked
    python -m ledger district-map place henan.xinxiang.demo demo-middle 0.42 0.31
    python -m ledger district-map place henan.xinxiang.demo demo-middle --off

x and y are fractions of the map's width and height from its top-left corner. Each change is
audited as `cli:<login>`; a refusal (not an image, too large, not a school of the unit) saves nothing.
"""
from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path


def add_parser(commands) -> None:
    maps = commands.add_parser("district-map", help="the district wall's map image and its schools' places")
    actions = maps.add_subparsers(dest="action", required=True)
    image = actions.add_parser("image", help="keep a PNG or JPG as the map of a district, city or province")
    image.add_argument("unit")
    image.add_argument("file", type=Path)
    place = actions.add_parser("place", help="put a school on the map (x, y: 0..1 from the top-left)")
    place.add_argument("unit")
    place.add_argument("school")
    place.add_argument("x", nargs="?")
    place.add_argument("y", nargs="?")
    place.add_argument("--off", action="store_true", help="take the school off the map")


def run(args: argparse.Namespace, sessions, now: datetime) -> int:
    from ledger.cli_users import cli_actor
    from ledger.commands import district_maps
    from ledger.errors import LedgerError

    try:
        with sessions.begin() as db:
            if args.action == "image":
                saved = district_maps.set_district_map(db, actor=cli_actor(), scope=None, unit=args.unit,
                                                       image=args.file.read_bytes(), now=now)
                print(f"{saved['unit']}: {saved['type']} {saved['width']}x{saved['height']} kept")
            else:
                x, y = (None, None) if args.off else (args.x, args.y)
                saved = district_maps.place_school(db, actor=cli_actor(), scope=None, unit=args.unit,
                                                   school=args.school, x=x, y=y, now=now)
                print(f"{saved['school']} on {saved['unit']}: x={saved['x']} y={saved['y']}")
    except (LedgerError, OSError) as exc:
        print(f"refused: {exc}" + (f" / {exc.zh}" if getattr(exc, "zh", None) else ""))
        return 2
    return 0
