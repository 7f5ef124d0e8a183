"""The incident review page (事后评估, issue 18): /review?alert=<id>. One page in one folder: page.py
registers it, ids.py names its components, view.py builds them (pure), callbacks.py saves the review,
text.py holds its words."""
