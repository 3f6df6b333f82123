"""The one settings module, configured from the environment.

Every value has a safe local default (SQLite, tasks in-process, console e-mail) so a
fresh clone runs; a malformed value fails loudly at start-up rather than half-working.
Production sets ``DJANGO_DEBUG=false`` and must then provide a secret key and hosts.
"""

import datetime
import os
import re
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true or false)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false")
    SECRET_KEY = "insecure-local-development-key-never-used-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is false")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# True while the demo data set is loaded: every page and PDF then says so.
DEMO_MODE = env_bool("CONSORTIUM_DEMO", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "auditlog",
    "axes",
    "csp",
    "apps.core",
    "apps.accounts",
    "apps.members",
    "apps.costs",
    "apps.meetings",
    "apps.procurement",
    "apps.allocation",
    "apps.agreements",
    "apps.reports",
    "apps.portal",
    "apps.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves /static/ itself (compressed, cached for ever under hashed names), so that
    # gunicorn alone is a whole deployment behind the TLS proxy: no static server to add.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change in the audit trail.
    "auditlog.middleware.AuditlogMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock a *username* after repeated failures, not an address: a whole town office often
# shares one public IP, and one mistyping colleague must not lock everybody out.
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_FAILURE_LIMIT = env_int("CONSORTIUM_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("CONSORTIUM_LOGIN_COOLOFF_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# "Forgot your password?" e-mails an address one link per this many seconds at most
# (apps.accounts.forms); the link itself works once, for PASSWORD_RESET_TIMEOUT (3 days).
PASSWORD_RESET_EMAIL_INTERVAL = env_int("CONSORTIUM_PASSWORD_RESET_EMAIL_INTERVAL", 15 * 60)
# axes warns when addresses are not part of the lockout; leaving them out is the point
# (see above), and a username lockout cannot be dodged by rotating addresses or agents.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Everything the app serves is its own: no CDN, no inline script. Inline style
# attributes are allowed for server-drawn bars and charts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

ROOT_URLCONF = "consortium.urls"
WSGI_APPLICATION = "consortium.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.core.context_processors.site",
                "apps.accounts.context_processors.user_access",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
# English short dates without the United States' month-first order (consortium/formats/en).
FORMAT_MODULE_PATH = ["consortium.formats"]
# Our catalogue, then Japanese for the third-party apps that ship none
# (django-tables2, django-filter, django-axes), kept apart so makemessages leaves it be.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_thirdparty"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Locally (and in the tests, which turn DEBUG off themselves) static files come straight
# from static/, with no collectstatic; deployed, from STATIC_ROOT under hashed names.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# The PDF fonts are read from static/ by WeasyPrint, never sent to a browser: compressing
# their 9 MB took a minute of every image build.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "ttf", "otf")
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Reports are private: they are served by a view that checks access, never by MEDIA_URL.
REPORTS_ROOT = Path(env_str("CONSORTIUM_REPORTS_ROOT", str(BASE_DIR / "var" / "reports")))

# Uploads: a council's survey file is a few hundred kilobytes; refuse anything huge.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Briefings go to mayors as an attachment, or as a link to the (access-checked) download.
REPORTS_EMAIL_ATTACH = env_bool("CONSORTIUM_REPORTS_EMAIL_ATTACH", True)
# Meeting materials (PDFs, office documents) are larger than survey files.
MEETING_MATERIAL_MAX_BYTES = env_int("CONSORTIUM_MEETING_MATERIAL_MAX_BYTES", 20 * 1024 * 1024)
IMPORT_MAX_BYTES = env_int("CONSORTIUM_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
# Open Contracting ids are "ocds-" and six characters registered with the OCDS helpdesk.
# The default, ocds-xxxxxx, serves the demo and the tests; `check --deploy` warns while a
# deployment still uses it (apps/procurement/checks.py).
OCDS_PREFIX = env_str("OCDS_PREFIX", "ocds-xxxxxx")
if not re.fullmatch(r"ocds-[a-z0-9]{6}", OCDS_PREFIX):
    raise ImproperlyConfigured(f"OCDS_PREFIX={OCDS_PREFIX!r} is not ocds- and six lowercase letters or digits")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Pages wrap {% render_table %} in <div class="table-responsive"> (wide tables scroll on a
# phone): django-tables2's own responsive template does the same 20-25 ms slower at 50 rows.
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
# A municipal relay (LGWAN or the prefecture's) usually wants a login over STARTTLS.
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("DJANGO_EMAIL_USE_TLS and DJANGO_EMAIL_USE_SSL cannot both be true")
# A relay that does not answer must not hold a page (or a worker) for ever.
EMAIL_TIMEOUT = env_int("DJANGO_EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "jimukyoku@consortium.invalid")

# Celery: with no broker configured, tasks run in-process (the demo and local use).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# WeasyPrint's memory grows with each render; recycle worker processes regularly.
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_int("CELERY_WORKER_MAX_TASKS_PER_CHILD", 100)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 120)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 180)
# Redis gives a task back to the queue when its worker has not acknowledged it within the
# visibility timeout (kombu's default: an hour, so a killed worker's reports waited an hour).
# Acknowledged late, a task is unacknowledged for as long as it runs, and a retry's countdown
# (at most 8 s, apps.reports.tasks) is spent unacknowledged in the worker too: just above the
# hard time limit, a lost task comes back within minutes and a running one never twice. Above
# it too is the age at which a job's claim counts as lost (apps.reports.models), so the task
# given back finds its job free to take.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 60}
CELERY_TIMEZONE = TIME_ZONE
# Run by `celery -A consortium beat` (the compose "beat" service); with no broker, use
# `python manage.py send_renewal_reminders` and `send_survey_reminders` from cron instead
# (tasks then run in-process: no queue loses a report job, nothing to send again).
# At a fixed hour of Japan's clock (CELERY_TIMEZONE), in office hours: every 24 hours from
# whenever beat started, they went out at 23:46 after a late deploy and not for a day after it.
REMINDER_HOUR = env_int("CONSORTIUM_REMINDER_HOUR", 8)
if not 0 <= REMINDER_HOUR <= 23:
    raise ImproperlyConfigured(f"CONSORTIUM_REMINDER_HOUR={REMINDER_HOUR} is not an hour of the day (0 to 23)")
CELERY_BEAT_SCHEDULE = {
    "contract-renewal-reminders": {
        "task": "apps.agreements.tasks.send_renewal_reminders",
        "schedule": crontab(minute=0, hour=REMINDER_HOUR),
    },
    "survey-deadline-reminders": {
        "task": "apps.costs.tasks.send_survey_reminders",
        "schedule": crontab(minute=0, hour=REMINDER_HOUR),
    },
    # Report jobs the broker lost before a worker took them (Redis keeps nothing on disk:
    # a restart empties its queue) are sent again, minutes later (apps.reports.models.
    # unclaimed_before). A sweep no worker ran within its minute is dropped: workers back
    # after an hour run one sweep, not sixty.
    "requeue-unclaimed-report-jobs": {
        "task": "apps.reports.tasks.requeue_unclaimed_jobs",
        "schedule": datetime.timedelta(minutes=1),
        "options": {"expires": 60},
    },
}
# The address users reach the app at, for links in e-mails that background tasks send
# (no request to take it from).
SITE_URL = env_str("CONSORTIUM_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Members still to answer a survey are reminded this many days before its deadline.
SURVEY_REMINDER_DAYS = (7, 1)

# One cache shared by every process (Redis) when deployed; each process's own memory when
# run alone (the demo, the tests). Sessions are read from the cache, one query less on
# every page, but only a shared cache forgets a session everywhere at logout: with one
# cache per gunicorn worker, the others kept a logged-out session for its two weeks.
CACHE_URL = env_str("DJANGO_CACHE_URL")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://")):
        raise ImproperlyConfigured(f"DJANGO_CACHE_URL={CACHE_URL!r} is not a redis:// address")
    # Time limits, in seconds: a Redis that hangs fails a page (and /healthz) rather than hanging it.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL,
                          "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2}}}
SESSION_ENGINE = ("django.contrib.sessions.backends.cached_db" if CACHE_URL or DEBUG
                  else "django.contrib.sessions.backends.db")
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# A page of ours saying to reload, not Django's about CSRF and DEBUG=True.
CSRF_FAILURE_VIEW = "apps.core.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "harfbuzz_notice_once": {
            "()": "django.utils.log.CallbackFilter",
            "callback": "ext://apps.core.log_filters.harfbuzz_subset_notice_once",
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # axes logs every successful login at INFO; failures and lockouts are warnings.
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING", "filters": ["harfbuzz_notice_once"]},
        "fontTools": {"level": "WARNING"},
    },
}
