"""The component ids of the bureau's notices page (/bureau/notices), named once."""
from __future__ import annotations

VIEW = "bureau-notices-view"  # store: {"lang"} as loaded (nothing in it is trusted for scope)
FORM_KEY = "bureau-notices-form-key"  # store: this form's key; the same key sent again is the same notice
MESSAGE = "bureau-notices-message"
TITLE = "bureau-notices-title"
BODY = "bureau-notices-body"
SCHOOLS = "bureau-notices-schools"  # none ticked: every school
PUBLISH = "bureau-notices-publish"
LIST = "bureau-notices-list"
