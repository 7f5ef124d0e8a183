"""Signing in and out (GET/POST /login, POST /logout, GET /api/v1/me), one folder: views.py (the
Flask routes: sessions, limits, the ledger), form.py (the sign-in page, a pure builder) and text.py
(its words). Not a Dash page: the form is served by Flask, before any Dash script loads."""
