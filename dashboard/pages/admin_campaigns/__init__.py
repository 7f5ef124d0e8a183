"""The campaigns page (/admin/campaigns): the special campaigns (专项治理) the admin manages, a form to
make or edit one (phases with dates, checklist items, the types of school it applies to), and the
import of a campaign data file (ledger/campaign_files.py says the format).

- page.py: registers the page, draws it through view.py in the admin frame;
- callbacks.py: thin, the writes through ledger/commands/campaign_admin.py, the list through queries/;
- ids.py, text.py, view.py: its component ids, its words, its pure builders.
"""
