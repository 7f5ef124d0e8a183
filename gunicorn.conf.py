"""gunicorn's settings for the web app, beside the command-line ones (`make run`, the Dockerfile).

The access log leaves out query strings and referrers: a wall opens its address once with its
access token in the query (dashboard/access.py), and logs are read, kept and shipped more widely
than tokens should be.
"""
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(D)sus "%(a)s"'
