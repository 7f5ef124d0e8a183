"""The on-call roster page (/admin/oncall, 值班表): a week of one school's roster, each shift a row and
each level a column; set, substitute (swap a shift) and clear one entry; import a sheet.

- page.py registers the page; callbacks.py is thin (ledger/commands/oncall.py, oncall_import.py,
  queries/ledger/oncall.py);
- ids.py, text.py, view.py: its component ids, its words, its pure builders.
"""
