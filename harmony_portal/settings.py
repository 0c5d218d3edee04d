"""Settings for Harmony Portal, read from the environment.

With nothing configured the portal runs on embedded defaults (SQLite and kombu's filesystem
broker) so that `make run` works on a fresh machine; `DATABASE_URL` and `REDIS_URL` switch it
to PostgreSQL and Redis.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from harmony_portal.openapi_enums import ProjectChoiceNames
from harmony_portal.secret_files import environment_with_secret_files
from harmony_portal.sso import oidc_settings

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
# Kubernetes mounts the Secret as one file per setting under SECRETS_DIR; reading them here
# keeps secrets out of the process environment (and so out of child processes and dumps).
env.ENVIRON = environment_with_secret_files(env.str("SECRETS_DIR", default=""))

DEBUG = env.bool("DEBUG", default=True)
# Published in this repository: fine on a developer's machine, never in production. With
# DEBUG off the portal refuses to start without a SECRET_KEY of its own (and the system check
# harmony.E001 in checks.py says the same to `check --deploy`).
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-change-me-0123456789abcdefghijklmnopqrstuv"
SECRET_KEY = env("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
if not DEBUG and SECRET_KEY in ("", DEVELOPMENT_SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY is not set (or is the development key published in the repository) while "
        "DEBUG is False. Set SECRET_KEY to a long random value, e.g. the output of "
        '`python -c "import secrets; print(secrets.token_urlsafe(50))"`.'
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A refused form token answers a page inside the portal's layout with a way back.
CSRF_FAILURE_VIEW = "core.handlers.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_celery_beat",
    "axes",
    # The portal's own apps, bottom layer first (see the import-linter contracts).
    "outbox",
    "audit",
    "landscape",  # the plant system map, below initiatives: integrations pick systems
    "initiatives",
    "reviews",
    "governance",
    "harmony_portal",  # the project: load_demo, the whole-portal management commands
    "benchmarks",
]

MIDDLEWARE = [
    # First, so its request id and timing cover everything below.
    "harmony_portal.logging.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "harmony_portal.middleware.ContentSecurityPolicyMiddleware",
    # Before anything reads a parameter or a body: bad input is a 400 or 413.
    "harmony_portal.middleware.BadInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the cookie, then the browser's Accept-Language (see harmony_portal.languages).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The signed-in person's own language choice wins over the browser's.
    "harmony_portal.languages.UserLanguageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "harmony_portal.middleware.LoginRequiredMiddleware",
    "audit.middleware.AuditSourceMiddleware",
    # Last, so it turns a lockout signalled by the auth backend into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "harmony_portal.urls"
WSGI_APPLICATION = "harmony_portal.wsgi.application"
ASGI_APPLICATION = "harmony_portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "harmony_portal.context_processors.roles",
            ],
            # Each governance domain keeps its template tags beside its code.
            "libraries": {
                "decisions_tags": "governance.decisions.templatetags",
                "notification_tags": "governance.notifications.templatetags",
                "risk_tags": "governance.risk.templatetags",
                "sessions_tags": "governance.sessions.templatetags",
                "work_tags": "governance.work.templatetags",
                "thread_tags": "governance.threads.templatetags",
                "handoff_tags": "governance.handoff.templatetags",
                "compliance_tags": "governance.compliance.templatetags",
            },
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# PostgreSQL connections are kept between requests (a new one costs a few milliseconds of
# TLS and authentication per request) and checked before reuse, so a connection the server
# or a pooler closed is replaced instead of failing the next request. SQLite opens a file:
# nothing to keep.
_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if _POSTGRES else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The web process, the Celery worker and beat share the SQLite file: IMMEDIATE transactions
    # take the write lock when they begin, so a second writer waits (up to the timeout)
    # instead of failing with "database is locked" when it upgrades a read lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
if _POSTGRES:
    # An unreachable database answers within seconds (503), instead of the OS's minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
    # No JIT compilation: the portal's queries are short, and PostgreSQL's cost estimate for
    # a count over the open portfolio (correlated EXISTS per row) crosses jit_above_cost,
    # spending ~50 ms compiling a query that runs in less (the IT lead's queue at 10,000).
    if not env.bool("DATABASE_JIT", default=False):
        DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Shared state -----------------------------------------------------------------------------
# With several web processes (or pods) nothing may live in one process: the cache goes to
# Redis, and sessions are read through it but kept in the database, so they survive a
# restart of web and of Redis alike. While Redis is down the cache reads as empty and
# requests go to the database (harmony_portal/cache.py): Redis is never needed by a request.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "harmony_portal.cache.OptionalRedisCache",
            "LOCATION": REDIS_URL,
            # The broker shares the database: the prefix keeps cache keys apart from queues.
            "KEY_PREFIX": "harmony-cache",
            # A Redis that does not answer costs a request at most this long, then is skipped.
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# The executive dashboard's figures are cached per filter set and reader scope for at most this
# many seconds; any change to what they count invalidates them at once on commit, so this only
# bounds what no signal reports (time passing, bulk updates). 0 computes them on every view.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=60)
# *My work*'s navigation count and home summary, cached per user until what they read changes
# (governance/work/cache.py); 0 turns the cache off.
WORK_CACHE_SECONDS = env.int("WORK_CACHE_SECONDS", default=30)

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username+address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# django-guardian: no anonymous user object; anonymous visitors see nothing.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "en-gb"
# German and English (see README "Languages"); the German catalogue is locale/de/LC_MESSAGES.
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Europe/Berlin")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Evidence files: the file system under var/evidence (never served at a URL), or any
# S3-compatible store (AWS S3, MinIO, Ceph…) when EVIDENCE_S3_BUCKET is set. Downloads always
# go through the permission-checked view; the store's URLs are never handed out.
EVIDENCE_S3_BUCKET = env("EVIDENCE_S3_BUCKET", default="")
if EVIDENCE_S3_BUCKET:
    _evidence_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": EVIDENCE_S3_BUCKET,
            "endpoint_url": env("EVIDENCE_S3_ENDPOINT_URL", default="") or None,
            "region_name": env("EVIDENCE_S3_REGION", default="") or None,
            "access_key": env("EVIDENCE_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("EVIDENCE_S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env("EVIDENCE_S3_PREFIX", default="evidence"),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "addressing_style": env("EVIDENCE_S3_ADDRESSING_STYLE", default="path"),
        },
    }
else:
    _evidence_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env.path("EVIDENCE_ROOT", default=VAR_DIR / "evidence"),
            "base_url": None,
        },
    }
# Portfolio CSV exports produced in the background (above EXPORT_ASYNC_ROWS initiatives) are
# kept where evidence is kept, under a prefix of their own: a web pod must read what a worker
# pod wrote. They are removed a day after they were finished (EXPORT_KEEP_HOURS).
_exports_storage = {
    "BACKEND": _evidence_storage["BACKEND"],
    "OPTIONS": {
        **_evidence_storage["OPTIONS"],
        **(
            {"location": env("EXPORT_S3_PREFIX", default="exports")}
            if EVIDENCE_S3_BUCKET
            else {"location": env.path("EXPORT_ROOT", default=VAR_DIR / "exports")}
        ),
    },
}
EXPORT_ASYNC_ROWS = env.int("EXPORT_ASYNC_ROWS", default=20000)
# API lists count their rows up to this many; above it `count_capped` is true (core.api).
LIST_COUNT_CAP = env.int("LIST_COUNT_CAP", default=1000)
EXPORT_KEEP_HOURS = env.int("EXPORT_KEEP_HOURS", default=24)

# Uploads: at most EVIDENCE_MAX_MB per file (checked before anything is stored); a ClamAV
# daemon scans each file when CLAMAV_ADDRESS (host:port) is set.
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_MB", default=20) * 1024 * 1024
CLAMAV_ADDRESS = env("CLAMAV_ADDRESS", default="")
CLAMAV_TIMEOUT = env.float("CLAMAV_TIMEOUT", default=30.0)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "evidence": _evidence_storage,
    "exports": _exports_storage,
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}

# EMAIL_URL, e.g. smtp+tls://user:password@mail.example.com:587 (django-environ's format).
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL"))
EMAIL_FILE_PATH = _email.get("EMAIL_FILE_PATH") or None
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Harmony Portal <harmony@example.com>")
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# --- Outbound integrations: chat and webhook channels, the build hand-off --------------------
# Secrets of channels and ticket systems are encrypted at rest with Fernet; the key is derived
# from INTEGRATION_SECRETS_KEY, else from SECRET_KEY (changing it makes stored secrets unreadable).
INTEGRATION_SECRETS_KEY = env("INTEGRATION_SECRETS_KEY", default="")
# A failed delivery is tried again after base·2^(n-1) seconds (at most the cap), up to
# MAX_ATTEMPTS tries; a channel is disabled after DISABLE_AFTER failed tries in a row.
INTEGRATION_RETRY_BASE_SECONDS = env.float("INTEGRATION_RETRY_BASE_SECONDS", default=30.0)
INTEGRATION_RETRY_MAX_SECONDS = env.float("INTEGRATION_RETRY_MAX_SECONDS", default=3600.0)
INTEGRATION_MAX_ATTEMPTS = env.int("INTEGRATION_MAX_ATTEMPTS", default=6)
INTEGRATION_TIMEOUT_SECONDS = env.float("INTEGRATION_TIMEOUT_SECONDS", default=10.0)
CHANNEL_DISABLE_AFTER = env.int("CHANNEL_DISABLE_AFTER", default=10)

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    _processed_dir = VAR_DIR / "celery" / "processed"
    _control_dir = VAR_DIR / "celery" / "control"
    for _d in (_queue_dir, _processed_dir, _control_dir):
        _d.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        # Fan-out exchanges live here, not in a "control/" folder of the working directory.
        "control_folder": str(_control_dir),
        "store_processed": False,
    }
    # The filesystem transport has no fan-out exchange for remote control commands.
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
else:
    # Short timeouts: the outbox relay and beat learn within seconds that the broker is away
    # and try again later; no web request ever waits for the broker (see outbox/).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": env.float("CELERY_BROKER_CONNECT_TIMEOUT", default=2.0),
        "socket_timeout": env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=5.0),
    }
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECT_TIMEOUT", default=2.0)
# A publish that fails is retried briefly here; the outbox relay retries for as long as needed.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
# Every task is fire-and-forget (its effect is in the database), so there is no result backend
# to wait for; CELERY_RESULT_BACKEND can still name one for debugging.
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# django-celery-beat's DatabaseScheduler behind a leader lock in Redis: any number of
# schedulers may run, one sends (harmony_portal/scheduler.py). After each send it writes the
# run time, so a scheduler that takes over starts exactly where the last one stopped.
CELERY_BEAT_SCHEDULER = "harmony_portal.scheduler:LeaderDatabaseScheduler"
CELERY_BEAT_SYNC_EVERY = 1
SCHEDULER_LOCK_TTL = env.float("SCHEDULER_LOCK_TTL", default=30)
SCHEDULER_HEARTBEAT_FILE = env("SCHEDULER_HEARTBEAT_FILE", default="")
# Workers log through Django's LOGGING (JSON lines in production), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- REST framework -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous call then answers 401 with `WWW-Authenticate: Token`.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "core.api.FilterBackend",
        "core.api.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "core.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Harmony Portal API",
    "DESCRIPTION": "AI initiatives, IT design partnership, governance and readiness.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No call-outs: Swagger UI's default validator badge would fetch from the internet.
    "SWAGGER_UI_SETTINGS": {
        "deepLinking": True,
        "validatorUrl": None,
        "persistAuthorization": True,
    },
    "COMPONENT_SPLIT_REQUEST": True,
    # The schema and its docs need a signed-in user (session or token): it is an internal API.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "ENUM_NAME_OVERRIDES": ProjectChoiceNames(),
}

# --- Logging ---------------------------------------------------------------------------------
# LOG_FORMAT=json (the default in docker-compose) writes one JSON object per line, with the
# request id of the request being served, for log shippers; "plain" is for people.
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "harmony_portal.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            # "timestamp": ISO 8601 in UTC, whatever TIME_ZONE the portal runs in.
            "fmt": "%(levelname)s %(name)s %(request_id)s %(message)s",
            "timestamp": True,
            "rename_fields": {"levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            # stdout: where container runtimes and log shippers expect an app's log lines.
            "stream": "ext://sys.stdout",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # RequestLogMiddleware writes one line per request; django.server would double it.
        "django.server": {"level": "WARNING"},
        # django-axes logs every sign-in at INFO; lockouts are WARNING and still show.
        "axes": {"level": "WARNING"},
    },
}

# --- Login hardening ------------------------------------------------------------------------
# django-axes: after AXES_FAILURE_LIMIT failed sign-ins for one username from one address,
# that pair is locked out for the cool-off; a successful sign-in resets the count.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "harmony_portal.login.locked_out"
# Behind a TLS-terminating proxy the client address is in X-Forwarded-For (first hop).
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# Optional single sign-on through the company's OpenID Connect provider (mozilla-django-oidc),
# on only when OIDC_RP_CLIENT_ID and the provider endpoints are set.
_oidc = oidc_settings(env)
OIDC_ENABLED = _oidc["OIDC_ENABLED"]
if OIDC_ENABLED:
    OIDC_RP_CLIENT_ID = _oidc["OIDC_RP_CLIENT_ID"]
    OIDC_RP_CLIENT_SECRET = _oidc["OIDC_RP_CLIENT_SECRET"]
    OIDC_OP_AUTHORIZATION_ENDPOINT = _oidc["OIDC_OP_AUTHORIZATION_ENDPOINT"]
    OIDC_OP_TOKEN_ENDPOINT = _oidc["OIDC_OP_TOKEN_ENDPOINT"]
    OIDC_OP_USER_ENDPOINT = _oidc["OIDC_OP_USER_ENDPOINT"]
    OIDC_OP_JWKS_ENDPOINT = _oidc["OIDC_OP_JWKS_ENDPOINT"]
    OIDC_RP_SIGN_ALGO = _oidc["OIDC_RP_SIGN_ALGO"]
    OIDC_RP_SCOPES = _oidc["OIDC_RP_SCOPES"]
    OIDC_GROUPS_CLAIM = _oidc["OIDC_GROUPS_CLAIM"]
    OIDC_CREATE_USER = _oidc["OIDC_CREATE_USER"]
    OIDC_PROVIDER_NAME = _oidc["OIDC_PROVIDER_NAME"]
    OIDC_USE_PKCE = _oidc["OIDC_USE_PKCE"]
    LOGIN_REDIRECT_URL_FAILURE = _oidc["LOGIN_REDIRECT_URL_FAILURE"]
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("harmony_portal.oidc_backend.PortalOIDCBackend")

# --- Production security --------------------------------------------------------------------
# With DEBUG off the portal assumes HTTPS: secure cookies, HSTS, redirect to https (switch the
# redirect off with SECURE_SSL_REDIRECT=False when the proxy already does it).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Every page uses only its own static files: no inline script, no CDN.
# Scripts only from our own files (no inline script, no event-handler attributes). Inline
# style attributes are allowed: data-driven widths (readiness bars, chart swatches) need them,
# and with autoescaped templates they carry no script.
CONTENT_SECURITY_POLICY = env(
    "CONTENT_SECURITY_POLICY",
    default="default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'",
)
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # Joining the browsers' preload list binds the whole company domain: IT decides it.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    # The health probes are called over plain HTTP by the orchestrator, inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    if env.bool("USE_X_FORWARDED_PROTO", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        USE_X_FORWARDED_HOST = env.bool("USE_X_FORWARDED_HOST", default=False)
READINESS_BROKER_TIMEOUT = env.float("READINESS_BROKER_TIMEOUT", default=2.0)
# Seconds a client is told to wait (Retry-After) when the database cannot be reached (503).
SERVICE_UNAVAILABLE_RETRY_AFTER = env.int("SERVICE_UNAVAILABLE_RETRY_AFTER", default=30)
