"""The own-password page (/account/password): everyone signed in (permission ACCOUNT: leaders, duty
officers, admins; never a wall token) changes their own password, giving the current one; their
other sessions end, the one they are using stays.

- page.py: registers the page; callbacks.py: the change through ledger/commands/user_admin.py;
- ids.py, text.py, view.py: its component ids, its words, its pure builders (a small frame of its own:
  the admin frame's tabs are for admins only).
"""
