"""The bureau's supervision page (/bureau/supervision, issue 17): open a supervision item (督办) on a
school below the officer's unit, see every item by school with its state, deadline and steps, return
(退回) or close (办结) an answered one.

- page.py: registers the page, draws it in the phone frame (a desk or a tablet: it works on both);
- callbacks.py: thin, the writes through ledger/commands/supervision.py, the reads through queries/;
- ids.py, text.py, view.py: its component ids, its words, its pure builders.
"""
