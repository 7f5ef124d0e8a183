"""The device register page (/admin/devices): which campus device each event `source` is, in which
building and zone, of which system, and a camera's stream or snapshot address. A registered device's
events are placed on the wall's map even when they name no building (queries/summary.py).

- page.py registers the page; callbacks.py is thin (ledger/commands/devices.py, queries/ledger/register.py);
- ids.py, text.py, view.py: its component ids, its words, its pure builders.
"""
