"""gunicorn settings for docker/start-web.sh (``gunicorn -c python:config.gunicorn``): access log, preloading.

- No query strings (a search by 身份证号 or name would land in the log): ``%(U)s`` is the path alone, and the
  logger also rewrites ``%(r)s``, ``%(q)s`` and the referer, so a changed format cannot bring them back.
- 身份证号-shaped digits in a path are masked as everywhere else (core.privacy).
- No user agent, no referer.
- No line at all for the ballot pages and the ballot API: a voter's time and address must not be on record
  next to the order of accepted ballots (docs/security.md "Logs").
"""
from __future__ import annotations

import gc
import os
from urllib.parse import urlsplit

from django.db import connections
from gunicorn.glogging import Logger

from core.privacy import mask_id_numbers

# address, time, method, path (no query), status, bytes, duration in ms
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
QUIET_PATHS = ("/assessment/vote/", "/api/ballots/")


def _path_only(url: str) -> str:
    return mask_id_numbers(urlsplit(url).path) if url and url != "-" else "-"


class AccessLogger(Logger):
    """gunicorn's logger without query strings, masked paths, and silent on the ballot paths."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = mask_id_numbers(environ.get("PATH_INFO", ""))
        atoms.update({
            "U": path,
            "r": f"{environ.get('REQUEST_METHOD', '-')} {path} {environ.get('SERVER_PROTOCOL', '-')}",
            "q": "",
            "f": _path_only(environ.get("HTTP_REFERER", "-")),
            "a": "-",
        })
        for key in [k for k in atoms if k.startswith("{") and (k.endswith("}i") or k.endswith("}e"))]:
            atoms[key] = "-"  # request headers and environ (X-Forwarded-For, Referer, QUERY_STRING …)
        return atoms

    def access(self, resp, req, environ, request_time):
        if environ.get("PATH_INFO", "").startswith(QUIET_PATHS):
            return
        super().access(resp, req, environ, request_time)


logger_class = AccessLogger

# Sync workers: GUNICORN_WORKERS, else gunicorn's own rule of two per core plus one. With the roster and
# who-qualifies pages served from the cache (core.fragments) a request is a few milliseconds of CPU; more workers
# than that only share the cores more finely. Measured with 12 clients (bench/load.py, 2 cores, session 7):
# 12 workers: roster p95 200–250 ms, 105–175 req/s; 5 workers: roster p95 100–112 ms, ballots 63–66 ms,
# 210–220 req/s, at 2 000 and at 100 000 cadres.
workers = int(os.environ.get("GUNICORN_WORKERS") or 2 * (os.cpu_count() or 1) + 1)

# The application is loaded once, in the master, and each worker is forked from it: the ≈250 MB of imported code
# (Django, DRF, WeasyPrint, numpy, openpyxl …) is shared by the workers instead of loaded by each, and a worker
# that is replaced starts at once. Nothing opens a database connection while loading (no AppConfig.ready()
# queries); pre_fork closes any all the same, since a socket shared by two workers would mix their queries.
preload_app = True


def pre_fork(server, worker):
    connections.close_all()
    gc.freeze()  # the loaded objects leave the collector's generations: collecting in a worker copies no shared page
