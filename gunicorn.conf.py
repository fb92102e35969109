"""gunicorn settings read by `make serve`, `make stack` and the Docker image (gunicorn reads this
file from the working directory). Request lines and header fields are let through up to gunicorn's
hard maxima, so the app itself answers 414 and 431 with its security headers and a clear message
(services/request_guard.py); only requests beyond these maxima are refused by gunicorn alone."""
limit_request_line = 8190  # gunicorn's maximum; the app refuses addresses over 4 kB
limit_request_field_size = 16380  # the app refuses header sets over 16 kB
limit_request_fields = 100
