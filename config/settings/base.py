"""Settings shared by every environment.

One settings path: everything that differs between the embedded default (SQLite, eager Celery) and
production (PostgreSQL, Redis broker) comes from environment variables read here with django-environ.
"""
from pathlib import Path

import environ

from config.install_keys import install_secret

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

# DEBUG only when asked for (`make dev`, or DJANGO_DEBUG=1): manage.py, WSGI and Celery all start with it off.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# No committed secret: the environment's key, else one generated for this install on first use and kept in
# DJANGO_SECRETS_DIR (ignored by git). Production requires the environment (config/settings/production.py).
SECRETS_DIR = Path(env("DJANGO_SECRETS_DIR", default=str(BASE_DIR / ".secrets")))
_PRODUCTION = env("DJANGO_SETTINGS_MODULE", default="").endswith(".production")  # never writes a key file


def _install_key(variable: str, name: str) -> str:
    return env(variable, default="") or ("" if _PRODUCTION else install_secret(SECRETS_DIR, name))


SECRET_KEY = _install_key("DJANGO_SECRET_KEY", "secret_key")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    "core",
    "cadre",
    "assessment",
    "documents",
    "selection",
    "rotation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
# Django's form renderer with its input/select/option templates built in Python (same HTML, a fraction of the time)
FORM_RENDERER = "core.renderer.FastWidgetRenderer"
# sessions read from the cache (Redis in production), written through to the database: one query less a request
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.roles",
            ],
            "builtins": ["core.templatetags.urls"],  # {% url %} reversing argument-free names once per process
        },
    },
]

# Database: SQLite unless DATABASE_URL is set (PostgreSQL in CI and production).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1  # hours
# Per account and per (account, address), never per address alone: behind a proxy or a meeting-room NAT one
# address is everybody, and five bad passwords for one account must not lock out the others.
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
# The client address: REMOTE_ADDR, or with TRUSTED_PROXY_COUNT proxies in front the address the outermost
# trusted proxy saw (X-Forwarded-For counted from the right). Login lockout and the ballot throttle share it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "core.network.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# `make run` has DEBUG off: WhiteNoise serves static/ straight from the finders (production: collectstatic).
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))

# Uploads: rosters and LRMX files are checked again in the import service.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
ROSTER_UPLOAD_MAX_BYTES = env.int("ROSTER_UPLOAD_MAX_BYTES", default=50 * 1024 * 1024)
# An uploaded .xlsx is measured while streaming, before any parser builds rows (core.uploads.measure_xlsx): what
# all its parts inflate to (central directory and the bytes actually inflated), and per worksheet the rows, the
# cells, the highest row index and column. The import decides inline vs. background from the counted rows.
XLSX_MAX_INFLATED_BYTES = env.int("XLSX_MAX_INFLATED_BYTES", default=300 * 1024 * 1024)
XLSX_MAX_ROWS = env.int("XLSX_MAX_ROWS", default=200_000)
XLSX_MAX_CELLS = env.int("XLSX_MAX_CELLS", default=6_000_000)
XLSX_MAX_ROW_INDEX = env.int("XLSX_MAX_ROW_INDEX", default=300_000)
XLSX_MAX_COLUMN = env.int("XLSX_MAX_COLUMN", default=500)
# a part inflating past 1 MB may not inflate more than this many times its compressed size (zip bombs: 1000×+)
XLSX_MAX_RATIO = env.int("XLSX_MAX_RATIO", default=200)
# Per-kind limits checked by core.uploads before a file is read (size, then content by magic bytes).
LRMX_UPLOAD_MAX_BYTES = env.int("LRMX_UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
# LRMX batch import: files per batch, the batch's total (the zip and what it inflates to), more files → Celery job
LRMX_BATCH_MAX_FILES = env.int("LRMX_BATCH_MAX_FILES", default=500)
LRMX_BATCH_MAX_BYTES = env.int("LRMX_BATCH_MAX_BYTES", default=200 * 1024 * 1024)
LRMX_BATCH_ASYNC_FILES = env.int("LRMX_BATCH_ASYNC_FILES", default=20)
PHOTO_UPLOAD_MAX_BYTES = env.int("PHOTO_UPLOAD_MAX_BYTES", default=2 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FILES = 20

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
from config.api_schema import ENUM_NAME_OVERRIDES as SPECTACULAR_ENUM_NAMES  # noqa: E402  (pure data)

SPECTACULAR_SETTINGS = {
    "TITLE": "干部轮岗交流与竞争上岗系统 API",
    "DESCRIPTION": "组织部干部档案、任职资格、竞争上岗、民主测评与轮岗交流接口。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "ENUM_NAME_OVERRIDES": SPECTACULAR_ENUM_NAMES,
}

# Celery: eager (in-process) unless REDIS_URL is set.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged when it ends, and given back to the broker when its worker dies (OOM, kill -9); one
# task at a time per worker process, so a long import does not hold others behind it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
# The longest task (a 20,000-row roster import, a batch of 任免审批表) is stopped after TIME_LIMIT seconds.
# Redis redelivers an unacknowledged task after visibility_timeout: it must exceed the longest task, or a
# running task would be handed to a second worker; it is the time limit plus a margin (docs/security.md "Jobs").
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=1800)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 300)
}
# A BackgroundJob still 排队中/进行中 with no progress for this long is marked failed (core.jobs, every 5 min).
JOBS_STUCK_AFTER_SECONDS = env.int("JOBS_STUCK_AFTER_SECONDS", default=CELERY_TASK_TIME_LIMIT + 300)
# The kinds of BackgroundJob a failed run of which can be retried from its page, and the task (by registered
# name) that takes the job's id; each is idempotent (a finished step is not run again).
JOBS_RETRY_TASKS = {
    "cadre.roster_import": "cadre.tasks.roster_import_job",
    "cadre.roster_export": "cadre.tasks.roster_export_job",
    "documents.lrmx_batch": "documents.run_lrmx_batch",
}
# 任免审批表 rendered per WeasyPrint pass in a batch (progress is reported after each chunk).
DOCUMENTS_BATCH_CHUNK_SIZE = env.int("DOCUMENTS_BATCH_CHUNK_SIZE", default=200)
from core.schedule import BEAT_SCHEDULE as CORE_BEAT_SCHEDULE  # noqa: E402
from documents.schedule import BEAT_SCHEDULE as DOCUMENTS_BEAT_SCHEDULE  # noqa: E402
from selection.schedule import BEAT_SCHEDULE as SELECTION_BEAT_SCHEDULE  # noqa: E402

CELERY_BEAT_SCHEDULE = {**CORE_BEAT_SCHEDULE, **DOCUMENTS_BEAT_SCHEDULE, **SELECTION_BEAT_SCHEDULE}

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # no 身份证号 in logs: every record through the console handler is masked by core.privacy
    "filters": {"mask_id_numbers": {"()": "core.privacy.IdNumberMaskFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["mask_id_numbers"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint and fontTools report every layout step at INFO: only their warnings reach the log
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"},
                "weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# E-mail (reminders are in-app; e-mail only when turned on)
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@localhost")
DOCUMENTS_REMINDER_EMAIL = env.bool("DOCUMENTS_REMINDER_EMAIL", default=False)

# PDF fonts (documents app): TrueType CJK from Debian by default; a deployment may point at licensed fonts.
PDF_FONT_PATHS = env.list(
    "PDF_FONT_PATHS",
    default=["/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/truetype/arphic/uming.ttc"],
)
# Licensed 仿宋 (body) and 小标宋 (title) TrueType fonts, tried before PDF_FONT_PATHS when present.
PDF_BODY_FONT_PATHS = env.list("PDF_BODY_FONT_PATHS", default=[])
PDF_TITLE_FONT_PATHS = env.list("PDF_TITLE_FONT_PATHS", default=[])

# 民主测评 (assessment app). The HMAC key must not change while issued codes are outstanding.
# Its own per-install key, never SECRET_KEY (a leaked session key must not also open the code table).
ASSESSMENT_BALLOT_HMAC_KEY = _install_key("ASSESSMENT_BALLOT_HMAC_KEY", "ballot_hmac_key")
ASSESSMENT_BALLOT_RATE = env("ASSESSMENT_BALLOT_RATE", default="300/min")
ASSESSMENT_PARTICIPATION_THRESHOLD = env.int("ASSESSMENT_PARTICIPATION_THRESHOLD", default=80)
ASSESSMENT_MIN_GROUP_BALLOTS = env.int("ASSESSMENT_MIN_GROUP_BALLOTS", default=5)
ASSESSMENT_EXCELLENT_QUOTA_PERCENT = env.int("ASSESSMENT_EXCELLENT_QUOTA_PERCENT", default=20)
ASSESSMENT_EXCELLENT_QUOTA_HARD = env.bool("ASSESSMENT_EXCELLENT_QUOTA_HARD", default=False)

# Content-Security-Policy (django-csp): scripts only from our own static files — no inline scripts or inline
# event handlers anywhere (page behaviour lives in static/js and is bound through data-* attributes). Inline
# style attributes (widths of table columns, progress bars) are still allowed for styles only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
