"""The rules page (/admin/rules): the alert rules and the acknowledgement deadlines in use, as text,
with an editor: "check" parses only, "save" parses, stores the next version and audits it. Every
process runs a saved version within seconds (ledger/live_rules.py). Rules are global: only an admin
over the whole tree edits them; a scoped admin reads them, and the page says why.

- page.py: registers the page, reads what is in use through queries/;
- callbacks.py: thin, the check and the save through ledger/commands/rules.py;
- ids.py, text.py, view.py: its component ids, its words, its pure builders.
"""
