"""The wall tokens page (/admin/tokens): the walls of the schools below the admin's unit; creating a
token for one (shown once, as the wall's address to copy and a QR code to scan at the kiosk),
revoking, rotating.

- page.py: registers the page, draws it through view.py in the admin frame;
- callbacks.py: thin, each write through ledger/commands/token_admin.py, then the list read again
  through queries/ledger/people.py;
- ids.py, text.py, view.py: its component ids, its words, its pure builders (the QR code as table
  cells: its matrix is computed by segno in callbacks.py).
"""
