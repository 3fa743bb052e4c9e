"""The Celery app: JSON only, time limits, logging through Django's."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "disnaker_portal.settings")

app = Celery("disnaker_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
