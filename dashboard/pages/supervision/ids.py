"""The component ids of the school's supervision page (/supervision), named once."""
from __future__ import annotations

VIEW = "school-sv-view"  # store: {"lang"} as loaded (nothing in it is trusted for scope)
MESSAGE = "school-sv-message"
LIST = "school-sv-list"
ITEM = "school-sv-item"  # the item answered (its open or returned ones)
TEXT = "school-sv-text"
PHOTOS = "school-sv-photos"  # store: the photo keys the uploads answered (assets/phone_hazard.js puts them)
PREVIEW = "school-sv-preview"
UPLOADING = "school-sv-uploading"
ADD_PHOTO = "school-sv-add-photo"
SEND = "school-sv-send"
