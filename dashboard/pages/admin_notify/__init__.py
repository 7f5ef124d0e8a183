"""The notification channels page (/admin/notify, issue 16): the channels of the admin's unit and below
(WeCom, DingTalk, Feishu robots, SMTP, an SMS gateway, webhooks), created, edited, disabled, their
secrets shown only as hints; a test message per channel whose real outcome the page follows; the
latest failed deliveries; the admin's own phone and e-mail (where SMS and e-mail tests go).

- page.py: registers the page, draws it through view.py in the admin frame;
- callbacks.py: thin, each write through ledger/commands/notify_channels.py or notify.py, reads through
  queries/ledger/notify.py, always for the signed-in admin's unit (never what the page sends);
- ids.py, text.py, view.py: its component ids, its words, its pure builders.
"""
