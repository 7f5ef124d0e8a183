"""The imports page (/admin/imports): a school's risk-point list or hazard ledger from an .xlsx or
.csv, all rows or none, the bad rows listed with their row, column and reason, and a progress bar
while a large file is read, checked and written.

The file goes from the browser straight to POST /admin/imports/upload (dashboard/admin_register.py,
by assets/admin_imports.js: a Dash callback's body is held to 2 MB); the import runs in the
background (dashboard/import_jobs.py) and this page polls its progress from Redis.
"""
