"""Schools, units, buildings and zones by code, for the readers: the ledger's own lookups
(ledger/org.py), which its commands use too, under the name the web app reads them by."""
from __future__ import annotations

from ledger.org import building, buildings_of, find_school, school, schools, unit_by_code, units_of, zone

__all__ = ["building", "buildings_of", "find_school", "school", "schools", "unit_by_code", "units_of", "zone"]
