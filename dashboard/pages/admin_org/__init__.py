"""The organisation page (/admin/org): the tree under the admin's unit, adding a unit under any node
of it, renaming what lies below it.

- page.py: registers the page, draws it through view.py in the admin frame (layouts/admin_frame.py);
- callbacks.py: thin, the two writes through ledger/commands/org.py and the tree read through queries/;
- ids.py, text.py, view.py: its component ids, its words, its pure builders.
"""
