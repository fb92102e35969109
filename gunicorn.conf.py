"""gunicorn settings read by `make serve`, `make stack` and the Docker image (gunicorn reads this
file from the working directory). Request lines and header fields are let through up to gunicorn's
hard maxima, so the app itself answers 414 and 431 with its security headers and a clear message
(services/request_guard.py); only requests beyond these maxima are refused by gunicorn alone."""

import os

limit_request_line = 8190  # gunicorn's maximum; the app refuses addresses over 4 kB
limit_request_field_size = 16380  # the app refuses header sets over 16 kB
limit_request_fields = 100

# Threaded workers: a burst of slow requests (fifty export submissions at once, say) no longer holds
# every worker, so public pages keep answering while it is served (issue #17; `make soak` prints the
# medians). The app's shared state is guarded by locks (data_access, export_queue, db engines).
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))

# The app is imported once, by the master, before the port opens (data build loaded, figure code
# warmed): workers are forked ready, so the first request after `make serve` is answered at once
# instead of waiting for a worker's import (issue #21, cold start), and the workers share the
# loaded build's memory pages.
preload_app = True
# the usual fields, then each request's duration in ms
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'


def pre_fork(server, worker):
    """A worker starts with no database connection of the master's (migrations opened some)."""
    # imported here: the master has already imported it with the app; the file stays importable alone
    from services import db

    db.dispose_all()


def post_fork(server, worker):
    """A web worker starts its export workers (idle priority) before it serves anything."""
    from services import export_queue  # the app is preloaded: this and its export runner are in memory

    export_queue.start_at_boot()
