"""A school's reports to its district (/reports, issue 17, 报送), one folder: page.py (the page Dash
registers), callbacks.py, ids.py, text.py, and the pure builders in view.py."""
