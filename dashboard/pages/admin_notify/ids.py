"""The component ids of the notification channels page (/admin/notify), named once."""

from __future__ import annotations

VIEW = "admin-notify-view"  # store: {"lang"} of the page as loaded (nothing in it is trusted for scope)
MESSAGE = "admin-notify-message"
CHANNELS = "admin-notify-channels"
FAILURES = "admin-notify-failures"
CHANNEL = "admin-notify-channel"  # which channel the form edits ("new" for a new one)
UNIT = "admin-notify-unit"
KIND = "admin-notify-kind"
NAME = "admin-notify-name"
CONFIG = "admin-notify-config"
SECRET = "admin-notify-secret"
SIGNING = "admin-notify-signing"
RATE = "admin-notify-rate"
SAVE = "admin-notify-save"
ENABLE = "admin-notify-enable"
DISABLE = "admin-notify-disable"
TEST = "admin-notify-test"
TEST_ROW = "admin-notify-test-row"  # store: the outbox row of the test message being followed
TEST_POLL = "admin-notify-test-poll"
TEST_RESULT = "admin-notify-test-result"
PHONE = "admin-notify-phone"
EMAIL = "admin-notify-email"
SAVE_ADDRESSES = "admin-notify-save-addresses"
# The notification policy of a unit (issue 16): quiet hours, reminder points, the digest's time.
POLICY_UNIT = "admin-notify-policy-unit"
POLICY_HOLDS = "admin-notify-policy-holds"  # whose policy holds: own, inherited from <unit>, the defaults
QUIET_START = "admin-notify-quiet-start"
QUIET_END = "admin-notify-quiet-end"
REMINDER_DAYS = "admin-notify-reminder-days"
REMINDER_AT = "admin-notify-reminder-at"
DIGEST_AT = "admin-notify-digest-at"
POLICY_SAVE = "admin-notify-policy-save"
POLICY_CLEAR = "admin-notify-policy-clear"
POLICY_MESSAGE = "admin-notify-policy-message"
POLICY_DONE = "admin-notify-policy-done"  # store: bumped by a save or removal, so the form is read again
