"""The component ids of the imports page (/admin/imports), named once."""
from __future__ import annotations

VIEW = "admin-imports-view"  # store: {"lang", "csrf"} of the page as loaded
SCHOOL = "admin-imports-school"
KIND = "admin-imports-kind"
UPLOAD = "admin-imports-upload"
JOB = "admin-imports-job"  # store: the upload's answer, {"job": id} or {"error": text}
POLL = "admin-imports-poll"
PROGRESS = "admin-imports-progress"
RESULT = "admin-imports-result"
