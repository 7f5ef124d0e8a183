"""The six domains page for leadership (/lead/domain), one folder: page.py (the page Dash registers,
and its layout: the page has no callback, its tabs and range are links), ids.py, and the pure
builders view.py, figures.py, text.py.

Dash Pages imports page.py itself (it skips files whose names start with "_", so this one cannot be
the page)."""
