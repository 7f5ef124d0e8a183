"""The phone's checklist page (/m/inspections/<plan>, permission INSPECT): the current period's
inspection of one of the person's plans. Not started: the plan and a start button. Started: the
checklist, item by item, each answered pass / fail / not applicable with big buttons and saved as it
is answered (a dropped connection loses at most the item in hand; reopening shows every saved
answer and where to continue); a failed item takes a note and photos (assets/phone_inspection.js
uploads them to POST /photos) and offers "report as a hazard" (/m/report?draft=<result id>).
Finished: the summary.

The address names a plan, not an inspection: the list (dashboard/pages/phone_inspections/) opens the
plan's inspection of today without writing anything on a GET; starting is a button. A plan that is
not the person's today, of another school, or no plan at all shows "not found or not yours" alike.

- page.py: registers the page and reads the ledger; callbacks.py: start, record an item, finish
  (ledger/commands/inspections.py), each for the signed-in person only;
- ids.py, text.py, view.py: its component ids, its words, its pure builders.
"""
