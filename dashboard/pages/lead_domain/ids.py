"""The component ids of the six domains page (/lead/domain), named once:
its builders draw with them, its callbacks listen to them."""
from __future__ import annotations

DOMAIN_TABS = "lead-domain-tabs"
RANGE_CHOOSER = "lead-domain-range"
LIVE_STATE = "lead-domain-live"
FIGURES = "lead-domain-figures"
TREND = "lead-domain-trend"
BY_TYPE = "lead-domain-by-type"
BY_PLACE = "lead-domain-by-place"
FALSE_RATES = "lead-domain-false-rates"
DEVICES = "lead-domain-devices"
