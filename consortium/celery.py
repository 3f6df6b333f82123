"""The Celery application. Workers start with ``celery -A consortium worker``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "consortium.settings")

app = Celery("consortium")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
