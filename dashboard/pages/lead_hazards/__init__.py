"""The hazard ledger for leadership (/lead/hazards), one folder: page.py (the page Dash registers, and
its layout), callbacks.py, ids.py and the pure builder view.py (its words are shared with the risk
register and the Excel download: layouts/lead_ledger_text.py).

Dash Pages imports page.py itself (it skips files whose names start with "_", so this one cannot be
the page)."""
