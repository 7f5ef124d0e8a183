"""The command centre's video wall, one page in one folder (issue 13, item 8):

- page.py: the page as Dash Pages registers it (path "/", its layout) and its callbacks' hook;
- callbacks.py: the refresh, thin: fetch through queries (dashboard.services), hand plain data to
  the builders, answer what changed;
- ids.py: its component ids;
- the pure builders: view.py (the fixed page), model.py (what it shows, what changed), panels.py
  (figures, alerts, banners), trends.py (bars, the hourly chart, gates), risk_map.py (the
  four-colour map). They import the kernel, dash, plotly, the standard library, shared pure
  pieces of layouts/ and ids.py only.

This file stays empty of code: Dash Pages loads page modules itself and skips `__init__.py`, and
importing a builder or the ids (tests, other modules) must not register a page or load callbacks.
"""
