"""The risk register for leadership (/lead/risks), one folder: page.py (the page Dash registers, and
its layout), callbacks.py, ids.py and the pure builder view.py (its words are shared with the hazard
ledger: layouts/lead_ledger_text.py).

Dash Pages imports page.py itself (it skips files whose names start with "_", so this one cannot be
the page)."""
