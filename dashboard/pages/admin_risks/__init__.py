"""The risk-point register page (/admin/risks): a school's risk points, added, edited and retired
by its administrators, graded as you type with the configured cut-offs (ledger/grading.py), each
with its risk notice card (风险告知卡, dashboard/risk_cards.py).

- page.py: registers the page, draws it through view.py in the admin frame;
- callbacks.py: thin, the grade preview through ledger/grading.py, the writes through
  ledger/commands/risk_points.py, the reads through queries/ledger/register.py;
- ids.py, text.py, view.py: its component ids, its words, its pure builders.
"""
