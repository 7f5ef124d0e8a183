"""The school's supervision page (/supervision, issue 17): the supervision items (督办) its district,
city or province opened on it, each with its steps, and the answer: the actions taken and photos as
evidence (sent one at a time to POST /photos by assets/phone_hazard.js, as a rectification's after-photos).
Phone-first (the phone frame): the safety head answers from where the work was done.

- page.py: registers the page; callbacks.py: thin, the answer through ledger/commands/supervision.py;
- ids.py, text.py, view.py: its component ids, its words, its pure builders.
"""
