"""The special campaigns (/lead/campaigns) for leadership, one folder: page.py (the page Dash registers, and its
layout), callbacks.py, ids.py and the pure builder view.py (its words are shared with two other
pages: layouts/lead_board_text.py).

Dash Pages imports page.py itself (it skips files whose names start with "_", so this one cannot be
the page)."""
