"""The phone's inspections page (/m/inspections, permission INSPECT): today's inspections of the
signed-in person (due first, then in progress, then done), each opening its checklist at
/m/inspections/<plan> (dashboard/pages/phone_inspection/), and the failed items not yet reported,
each opening the report form at /m/report?draft=<result id>.

- page.py: registers the page and reads the ledger (queries/ledger/inspections.py); no callbacks:
  the page only reads, every step is taken on the checklist page;
- ids.py, text.py, view.py: its component ids, its words, its pure builders (view.py's place and
  period lines are the checklist page's too).
"""
