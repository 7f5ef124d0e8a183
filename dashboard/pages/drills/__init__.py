"""Drills and trainings (/drills), one folder: page.py (the page Dash registers), callbacks.py,
ids.py, text.py, and the pure builders in view.py."""
