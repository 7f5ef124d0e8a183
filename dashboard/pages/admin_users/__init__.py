"""The users page (/admin/users): the people of the admin's unit and below, creating one (a typed or
generated first password, shown once), changing a person's role and unit, disabling, resetting a
password, creating many from an Excel sheet, and the recent refused sign-ins.

- page.py: registers the page, draws it through view.py in the admin frame;
- callbacks.py: thin, each write through ledger/commands/user_admin.py or user_import.py, then the
  lists read again through queries/ledger/people.py;
- ids.py, text.py, view.py: its component ids, its words, its pure builders.
"""
