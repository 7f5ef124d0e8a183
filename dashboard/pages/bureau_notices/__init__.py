"""The bureau's notices page (/bureau/notices, issue 17): write and publish a notice (通报) to every
school below the officer's unit or to chosen ones, and see per notice which schools have read it (已阅)
and which not.

- page.py: registers the page; callbacks.py: thin, the writes through ledger/commands/notices.py;
- ids.py, text.py, view.py: its component ids, its words, its pure builders.
"""
