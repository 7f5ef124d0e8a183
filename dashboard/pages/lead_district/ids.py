"""The component ids of the district page (/lead/district), named once:
its builders draw with them, its callbacks listen to them."""
from __future__ import annotations

TABLE = "lead-district-table"
NOTE = "lead-district-note"
