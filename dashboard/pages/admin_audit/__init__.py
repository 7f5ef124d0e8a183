"""The audit page (/admin/audit): the audit log, read only, filtered by time, actor, action, school
and text in the target, newest first, a page at a time; each entry's before and after as a diff.

- page.py: registers the page; the filter is the URL's query (a GET form), so a filtered view is a
  link, paging is a link, and the downloads (dashboard/audit_export.py) read the same query;
- ids.py, text.py, view.py: its component ids, its words, its pure builders.
It has no callback: nothing on it writes, and nothing can edit or delete an entry.
"""
