"""Deployed (DEBUG off, several gunicorn workers behind the TLS proxy): the app serves its
own stylesheets and scripts (without them every page lost Bootstrap and htmx), and a
logout ends the session in every worker."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

SERVE_ONE_PAGE_AND_ITS_STYLESHEET = """
import re
import django
django.setup()
from django.test import Client
client = Client(HTTP_X_FORWARDED_PROTO="https")
page = client.get("/accounts/login/", HTTP_HOST="example.jp").content.decode()
stylesheet = re.search(r'href="(/static/vendor/bootstrap/[^"]+[.]css)"', page).group(1)
response = client.get(stylesheet, HTTP_HOST="example.jp", HTTP_ACCEPT_ENCODING="gzip")
print(stylesheet, response.status_code, response.get("Content-Encoding"), response.get("Cache-Control"), sep="\\n")
"""


def test_a_deployment_serves_its_static_files_compressed_under_hashed_names(tmp_path: Path):
    env = {**os.environ, "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "example.jp",
           "DJANGO_STATIC_ROOT": str(tmp_path / "static"), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "DJANGO_SETTINGS_MODULE": "consortium.settings"}
    env.pop("CELERY_BROKER_URL", None)
    run = dict(cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], **run)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], **run)
    served = subprocess.run([sys.executable, "-c", SERVE_ONE_PAGE_AND_ITS_STYLESHEET], **run).stdout
    stylesheet, status, encoding, cache_control = served.splitlines()
    assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet), stylesheet  # a hashed name, cached for ever
    assert (status, encoding) == ("200", "gzip")
    assert "max-age=315360000" in cache_control and "immutable" in cache_control


SESSION_SETTINGS = ("from django.conf import settings; "
                    "print(settings.SESSION_ENGINE, settings.CACHES['default']['BACKEND'])")


def deployed_settings(**env) -> list[str]:
    env = {**os.environ, "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "example.jp",
           "DJANGO_SETTINGS_MODULE": "consortium.settings", **env}
    code = "import django; django.setup(); " + SESSION_SETTINGS
    return subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True,
                          text=True, check=True).stdout.split()


def test_a_deployment_forgets_a_logged_out_session_in_every_worker():
    """Sessions read from a per-process cache outlived a logout in the other gunicorn workers:
    deployed, they come from a cache all processes share, or from the database alone."""
    assert deployed_settings() == ["django.contrib.sessions.backends.db", "django.core.cache.backends.locmem.LocMemCache"]
    assert deployed_settings(DJANGO_CACHE_URL="redis://127.0.0.1:6379/3") == [
        "django.contrib.sessions.backends.cached_db", "django.core.cache.backends.redis.RedisCache"]


def test_compose_will_not_start_without_a_mail_server_and_passes_every_mail_setting_on():
    """Its default, localhost, has no mail server in the container: every invitation, reset
    link and reminder failed. The relay's port, login and TLS were not passed on at all."""
    compose = (Path(settings.BASE_DIR) / "docker-compose.yml").read_text()
    assert re.search(r"DJANGO_EMAIL_HOST: \$\{DJANGO_EMAIL_HOST:\?[^}]+\}", compose)
    source = (Path(settings.BASE_DIR) / "consortium" / "settings.py").read_text()
    mail_settings = set(re.findall(r'env_\w+\("((?:DJANGO_EMAIL|DJANGO_DEFAULT_FROM)_\w+)"', source))
    assert len(mail_settings) >= 9
    assert not [name for name in sorted(mail_settings) if f"{name}: ${{{name}" not in compose]
