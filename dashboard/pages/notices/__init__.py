"""The school's notices page (/notices, issue 17): the notices (通报) addressed to the person's school,
newest first; opening one and confirming it (已阅) records the school's read receipt, once.

- page.py: registers the page; callbacks.py: thin, the receipt through ledger/commands/notices.py;
- ids.py, text.py, view.py: its component ids, its words, its pure builders.
"""
