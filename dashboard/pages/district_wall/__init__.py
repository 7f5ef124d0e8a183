"""The district wall (issue 17): a bureau's command-centre screen for a unit above schools,
/district?unit=<code>, on the school wall's canvas and switches (assets/wall.js: ?screen=, ?view=,
?playlist=district,schools&every=30, kiosk tokens). One page in one folder:

- page.py: the page as Dash Pages registers it; callbacks.py: the refresh, thin;
- ids.py, text.py; the pure builders: markers.py (a school's colour and pulse), model.py (what the
  screen shows and what changed), view.py (the fixed page and each slot's components).

This file stays empty of code (see dashboard/pages/wall/__init__.py for why).
"""
