"""The phone's "my work" page (/m, issue 15): what waits for the signed-in person in the hazard loop,
by their part in it (queries/ledger/my_work.py `my_work`), most urgent first, and the hazards they
reported (`my_reports`); each item opens the hazard page (dashboard/pages/phone_hazard/). Reporters and
inspectors land here after signing in (dashboard/roles.py HOMES).

- page.py: registers the page and reads the lists; no callbacks (a pull down to refresh reloads it);
- ids.py, text.py, view.py: its component ids, its words, its pure builders.
"""
