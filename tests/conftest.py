import os

import pytest
from django.conf import settings


def pytest_report_header(config):
    database = settings.DATABASES["default"]
    where = database["NAME"] if database["ENGINE"].endswith("sqlite3") else f"{database.get('HOST')}:{database.get('PORT')}"
    broker = os.environ.get("TEST_CELERY_BROKER_URL") or "none (tasks in-process; worker tests skipped)"
    return [
        f"database: {database['ENGINE'].rsplit('.', 1)[-1]} ({where})",
        f"celery broker for worker tests: {broker}",
    ]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Django's PBKDF2 takes about 0.4 s a password on our 2-core machines, and the demo
    alone has eight accounts: a quarter of the suite's time went on hashing. No test
    relies on a hash's strength; production keeps Django's default."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REPORTS_ROOT = tmp_path / "reports"
