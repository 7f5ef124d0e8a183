"""The district's view of its schools' reports (/bureau/reports, issue 17, 报送), one folder: page.py,
callbacks.py, ids.py, text.py, and the pure builders in view.py."""
