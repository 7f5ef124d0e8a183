"""The phone's hazard page (/m/hazards/<school>/<code>, issue 15): one hazard's facts, history and
photos, and the steps the signed-in person may take on it now, each a small form.

- page.py: registers the page (path_template) and reads the hazard (queries/ledger/hazard_page.py);
- callbacks.py: one callback per step, thin (acting_person → the ledger's command → publish → say),
  each needing its own permission (returned as stricter permissions), and the redraw after a step;
- ids.py, text.py: its component ids and words; view.py (facts, history, photos) and forms.py (the
  step forms): pure builders; assets/phone_hazard.js sends after-photos to POST /photos.
"""
