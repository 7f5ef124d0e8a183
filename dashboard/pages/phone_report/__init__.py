"""The phone's report page (/m/report, issue 15: 随手拍): report a hazard in three taps — the place
(a building and zone of the person's school, or a risk point's card scanned: /report?school=&point=
redirects here keeping the query), photos from the phone's camera, a short description — and an
optional grade; `?draft=<inspection result id>` starts from a failed checklist item.

- page.py: registers the page; what the server reads for it (the places, the scanned point, the draft);
- view.py: pure builders: the frame's body and the form's data for assets/phone_report.js, which draws
  the form, keeps it (text and photo Blobs in IndexedDB) until the report is confirmed, and sends it;
- form.py: pure: the checks of what POST /m/report/send receives; dashboard/phone_report_api.py: the route;
- ids.py, text.py: the ids the script looks for, and the words (zh + en) it shows.
"""
