"""`python -m ledger photos …`: housekeeping of the photo volume (PHOTO_DIR; docs/hazards.md, "Photos").

    python -m ledger photos sweep               # photos sent a day ago or more and attached to nothing
    python -m ledger photos sweep --hours 72

A phone sends a photo the moment it is taken; the report it was for may never be sent. Such photos are
only their sender's to see and belong to no record, so after a while they are removed: their rows first
(committed), then their files; then any file no row names (a crash between a photo's files and its row,
a temporary file of a write that died), if older than the same cutoff, so a photo being sent right now
is never touched. The recorder runs the same sweep every PHOTO_SWEEP_SECONDS (an hour; README,
*Operations*); this command is for a sweep now, another age, or PHOTO_SWEEP_SECONDS=0.
"""
from __future__ import annotations

import argparse
from datetime import datetime, timedelta


def add_parser(commands) -> None:
    photos = commands.add_parser("photos", help="the photo volume: remove photos never attached")
    actions = photos.add_subparsers(dest="action", required=True)
    sweep = actions.add_parser("sweep", help="remove photos attached to nothing, sent longer ago than --hours")
    sweep.add_argument("--hours", type=float, default=24.0, help="how old an unattached photo must be (24)")
    # (24: ledger.commands.photos.UNATTACHED_HOURS, what the recorder's sweep uses)


def run(args: argparse.Namespace, settings, sessions, now: datetime) -> int:
    from ledger.commands import photos

    if args.hours < 1:
        print("--hours must be at least 1: a photo being sent must have time to be attached")
        return 2
    gone, strays = photos.sweep(sessions, settings.photo_dir, now - timedelta(hours=args.hours))
    print(f"removed {gone} photos attached to nothing and {strays} files no photo names "
          f"(older than {args.hours:g} hours) from {settings.photo_dir}")
    return 0
