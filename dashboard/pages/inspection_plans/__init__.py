"""The safety office's inspection plans (/inspection-plans), one folder: page.py (the page Dash
registers), callbacks.py, ids.py, text.py, and the pure builders form.py and view.py."""
