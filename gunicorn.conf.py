"""gunicorn for the portal: read by `gunicorn` started in this folder (docker-compose's web, the bench).

Threads, not sync workers: every lookup waits for Dukcapil (up to DUKCAPIL_TIMEOUT), and a
sync worker waiting is a worker lost, so 20 officers at once would queue behind 3 workers
(bench/README.md measured it). 4 processes x 8 threads served 20 officers best on 2 CPUs.
"""

import os

wsgi_app = "disnaker_portal.wsgi:application"
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# A request may wait the Dukcapil timeout (15 s by default) and then render; never kill it before.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
keepalive = 2
# No access log by default: nothing needs URLs in a log (a NIK is never in one anyway).
accesslog = None
