"""The duty console (/duty), one folder: page.py (the page Dash registers, and its layout),
callbacks.py, ids.py and the pure builders view.py and text.py.

Dash Pages imports page.py itself (it skips files whose names start with "_", so this one cannot be
the page)."""
