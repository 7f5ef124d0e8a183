"""The style sheets Dash's components, plotly.js and AG Grid write into pages at run time (as
<style> elements made from the libraries' own constant CSS), by hash: dashboard/headers.py's
Content-Security-Policy allows exactly these and no other inline style.

Read from the installed versions below (COLLECTED_WITH) in headless Chromium. Another version
writes other text: then the app falls back to 'unsafe-inline' for styles with a warning (pages keep
their look; scripts stay strict), and tests/dashboard/test_headers_browser.py fails, listing the
hashes Chromium refused with the library that wrote each: put those here, and the new versions.
"""
from __future__ import annotations

COLLECTED_WITH = {"dash": "4.4.1", "dash-ag-grid": "35.3.0", "plotly": "7.1.0"}

LIBRARY_STYLES: dict[str, str] = {
    # Dash 4's core components and renderer: each component's sheet, written when the bundle loads.
    "'sha256-ITR5T9OwskhdqdsliUJRmgp9ltOFAHgXe1F7eRvGnmQ='": "dash: .dash-button",
    "'sha256-0IJGrxhCP5NUIafylLkj5118xkZH1kp5FmNio7NOckI='": "dash: .dash-checklist-inline",
    "'sha256-Z8VokGxeiKThZOEmkdUgfW+jxbvItBwAXC8M1c4wqAM='": "dash: .dash-options-list-option",
    "'sha256-VUA+tqvhK3niMn7AdszqidMFPRh9FLqxB2iINUrsiTw='": "dash: .dash-input-container",
    "'sha256-Aq43X0SlmB69maWGob4rp/UuSHhwePalkRRExtsxOJ8='": "dash: .dash-radioitems-inline",
    "'sha256-SkhFDxgIcEjMhRh19uSHWrkdnAlZ9rlskgr9yLsipa8='": "dash: .dash-slider-root",
    "'sha256-uDiOZWps1U7E8/0BTaQrclYMhVhRVE4dT0vb5X6nXOw='": "dash: .tab-parent",
    "'sha256-+QoPrsxO0auPnxSulD3bAr9CoDGgzv7YRfYE0vfxeQI='": "dash: .dash-textarea",
    "'sha256-MJs2ke1SA6Cy3tTCZu2QH0rj0r//iNqU0idy9bM4leg='": "dash: .dash-tooltip",
    "'sha256-X2TqJwnIiE/ceDVeAdr7v7BOWBU6CEzE6qxlNzBzvBk='": "dash: :root",
    "'sha256-Do5Z9ZqsPvCQTUBQS9BnDm/2+on7omuzuLYk5sbA+2s='": "dash: ._dash-undo-redo",
    "'sha256-mKP5Nh9J+3FomkYQF5DWFgmUmC9oEOyh3LiTtE1PwKo='": "dash: .dash-dropdown",
    # plotly.js (the wall, the overview, the six domains).
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='": "plotly.js: empty, filled by insertRule",
    "'sha256-ji27qzEtxXZW+7dun6UwjHXJ18e6WAin1VvNtkzIE/o='": "plotly.js: MapLibre GL's sheet",
    # AG Grid 35 (the hazard ledger and the risk register): its theme and modules, written by the grid.
    "'sha256-aTEqNO8pr3xddsv/BiDXSYbn+Lp6VEfi4SA2TqFU6qU='": "AG Grid: shared",
    "'sha256-on52mt3dH6YoAuNDO22DyCvqggdWPuqP3pQ+XPIGFYw='": "AG Grid: core",
    "'sha256-OuRrlCkNoyXgmSVwU0BT+5yVQA+KqyfRd/dFEA+8nSg='": "AG Grid: module-ColumnAutoSize",
    "'sha256-+soAzMi22c6suKR3qsxWNi891PI7bDqCrR58dYzu+nw='": "AG Grid: module-ColumnDelayRender",
    "'sha256-up4oMJUfLusqRzByKS+Wh8lEIoNust+QaA5gwa/WiSQ='": "AG Grid: module-ColumnMove",
    "'sha256-QGsVmmjIgmPlvak+CaOVC1AZM/hIkIqZKWGXHb2+xSw='": "AG Grid: module-EditCore",
    "'sha256-tCA1/E6bJDm3xAeb5pTo9IhH67gJxQumi2rIffOYjEM='": "AG Grid: module-FilterCore",
    "'sha256-RlOoLMMZXEFHzuOJyJCBK08d6ipmlX2JEJCatv9j61o='": "AG Grid: module-PinnedColumn",
    "'sha256-Og5SyHytXfIhbYbsjWyPWbJTWcVop/ta3Fzt/+9+FlQ='": "AG Grid: module-PinnedRow",
    "'sha256-obSG11sB9ozolIz3//Xup/dwqSp2aI9tDRc8bvBVRtE='": "AG Grid: module-SharedRowSelection",
    "'sha256-X8ikrSrJ8KtgOpLNU+7+1v0CW0DSFOAZvNtX0ExB1vs='": "AG Grid: module-Tooltip",
    "'sha256-U2M2ZJvlBYzAoqENSzfQQBH8cSviqExUmG3s8gmGaIE='": "AG Grid: component-fp",
    "'sha256-4vhMu/ZnT/fZI05+7opbuaEITDhP+Sgig7SBJhiIrt8='": "AG Grid: component-PP",
    "'sha256-g/jaOuV/qTLpkqu0OtbzZSQui9inv22j1OGRUdrz8x8='": "AG Grid: component-ir",
    "'sha256-0//Y//yOB4hYUnQtJ4nufkQeLD6qQJmlXvjd8WWgMOs='": "AG Grid: component-ir",
    "'sha256-4A9WusJPNXvACV0C20kpw9zHDGVaOdQd2/ruaIQXRFY='": "AG Grid: component-ir",
    "'sha256-dxrEw072G3f1/tpHBm1e2ADZjuldGd2jgWpjTS4CnLc='": "AG Grid: component-Fx",
    "'sha256-FQ++KHv7Ig7R6XP9C2X0S4uD1OrwUSTWAFpWBRiFjK0='": "AG Grid: ag-theme-buttonStyle-1",
    "'sha256-DdD72VU8ifkvS+36YRX6FCNrQEh7mA/MWb6yyVzsuyA='": "AG Grid: ag-theme-columnDropStyle-2",
    "'sha256-WdVLWYvwxpx/Qjnw+uNg8EmsPpZgGU1w0CMT2IsUrJ8='": "AG Grid: ag-theme-batchEditStyle-3",
    "'sha256-YK9eUhPhSb6QQKWujWP9V/2YXlJkbLBVjuQ4j584TJs='": "AG Grid: ag-theme-checkboxStyle-4",
    "'sha256-YB4WrdnDV8xs96s/xHM89rmrGCwBdq9PZmznzhQ86eA='": "AG Grid: ag-theme-iconSet-5",
    "'sha256-IpHnH5jvYqms3n+z/NMON95+gcdwsd1enDoGgvF9Opg='": "AG Grid: ag-theme-tabStyle-6",
    "'sha256-3dv8bVnKPc6YTDex/98SX/y5OlgOjjkSaSoSKx2fRXg='": "AG Grid: ag-theme-inputStyle-7",
    "'sha256-44HhUkvyQGuFugxWgbTeWU1GuCs6bz88I9FcVajY/6k='": "AG Grid: ag-theme-params-1",
}
