"""The response card page (/admin/cards, 应急处置卡): per alert type (or type prefix, or a domain's
default) and optionally building or zone, the steps to take, whom to call and the evacuation notes
the duty console shows for a matching alert (ledger/response_cards.py).

- page.py registers the page; callbacks.py is thin (ledger/commands/response_cards.py,
  queries/ledger/response_cards.py);
- ids.py, text.py, view.py: its component ids, its words, its pure builders.
"""
