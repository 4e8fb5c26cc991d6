"""Qingfeng settings: one module, driven by environment variables.

Embedded mode (no ``DATABASE_URL``) runs on SQLite in WAL mode with keys kept in
``var/keys``. Production mode (``QINGFENG_ENV=production``) refuses to start with
insecure values rather than run with them.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("QINGFENG_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return default if raw is None or raw == "" else int(raw)


def read_or_create_key(path: Path, nbytes: int = 32) -> str:
    """Return a hex key kept in ``path``, creating it (mode 0600) in embedded mode.

    Keys live outside the database (DESIGN.md §3): a database dump alone never
    carries the secret that protects it.
    """
    if path.exists():
        return path.read_text().strip()
    if PRODUCTION:
        raise ImproperlyConfigured(f"Key file {path} is missing; production never invents keys.")
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(nbytes)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


PRODUCTION = os.environ.get("QINGFENG_ENV", "embedded") == "production"
KEY_DIR = Path(os.environ.get("QINGFENG_KEY_DIR", VAR_DIR / "keys"))

SECRET_KEY = os.environ.get("SECRET_KEY") or read_or_create_key(KEY_DIR / "secret_key")
# HMAC key of the audit hash chain; outside the database so a dump cannot re-forge it.
AUDIT_CHAIN_KEY = os.environ.get("QINGFENG_AUDIT_KEY") or read_or_create_key(KEY_DIR / "audit_key")

DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production.")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production.")
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured("Production runs on PostgreSQL: set DATABASE_URL.")
    if "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS may not contain '*' in production.")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "qingfeng.core",
    "qingfeng.orgs",
    "qingfeng.accounts",
    "qingfeng.audit",
    "qingfeng.workdays",
    "qingfeng.intake",
    "qingfeng.documents",
    "qingfeng.cases",
    "qingfeng.approvals",
    "qingfeng.portal",
    "qingfeng.reminders",
    "django_tasks",
    "django_tasks_db",
    "qingfeng.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "qingfeng.core.middleware.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "qingfeng.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "qingfeng.urls"
WSGI_APPLICATION = "qingfeng.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "qingfeng" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qingfeng.core.context_processors.navigation",
            ],
        },
    },
]

# Form widgets are rendered by Jinja2 from Django's own widget templates: the same HTML,
# about half the time of the template engine (a filter bar of ten selects: 2.4 → 1.1 ms).
FORM_RENDERER = "django.forms.renderers.Jinja2"

# --- Database -----------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 600), conn_health_checks=True
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # JIT compilation costs 25–245 ms on the scoped list and search queries and saves
        # nothing on them (measured at province scale); PG_JIT=on restores it.
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
            f"-c jit={'on' if env_bool('PG_JIT', False) else 'off'}"
        )
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "qingfeng.sqlite3")),
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["qingfeng.accounts.backends.LockoutBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Lockout: after this many failures in a row the account is locked for the period.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCK_MINUTES = env_int("LOGIN_LOCK_MINUTES", 30)

# Sessions expire after idle time and on browser close.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = False  # see qingfeng.core.middleware.SessionRefreshMiddleware
SESSION_REFRESH_SECONDS = env_int("SESSION_REFRESH_SECONDS", 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Secure cookies unless explicitly serving plain HTTP on loopback (embedded mode).
SECURE_COOKIES = env_bool("SECURE_COOKIES", PRODUCTION)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- i18n ---------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files (front-end packages are copied from node_modules by bin/setup) -------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "qingfeng" / "static"]
_NODE = BASE_DIR / "node_modules"
for _prefix, _dir in [
    ("vendor/bootstrap", _NODE / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", _NODE / "bootstrap-icons" / "font"),
    ("vendor/htmx", _NODE / "htmx.org" / "dist"),
    ("vendor/echarts", _NODE / "echarts" / "dist"),
]:
    if _dir.exists():
        STATICFILES_DIRS.append((_prefix, _dir))  # type: ignore[arg-type]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "media")},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", DEBUG)

# --- Cache (rate limits of the public portal, challenge replay guard) -------------------------
# Embedded mode shares one database table between the server's worker processes; a
# deployment sets REDIS_URL.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "qingfeng_cache",
        }
    )
}

# --- Background tasks (django-tasks) ------------------------------------------------------
# Embedded mode runs tasks in the request or command that enqueues them; production sets
# TASKS_BACKEND=database and runs ``manage.py db_worker`` (rows claimed with SKIP LOCKED).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if os.environ.get("TASKS_BACKEND") == "database"
        else "django_tasks.backends.immediate.ImmediateBackend"
    }
}

# --- Reminders ----------------------------------------------------------------------------
# SMS gateway: a dotted path to a backend class; the default appends messages to a file.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "qingfeng.reminders.sms.FileBackend")
SMS_FILE_PATH = Path(os.environ.get("SMS_FILE_PATH", VAR_DIR / "sms" / "outbox.log"))

# --- Public portal ------------------------------------------------------------------------
# Uploads: per file and per report; images are re-encoded, so their metadata is dropped.
PORTAL_MAX_FILE_BYTES = env_int("PORTAL_MAX_FILE_BYTES", 10 * 1024 * 1024)
PORTAL_MAX_FILES = env_int("PORTAL_MAX_FILES", 5)
# Submissions per client per hour, and the proof-of-work challenge's difficulty.
PORTAL_SUBMISSIONS_PER_HOUR = env_int("PORTAL_SUBMISSIONS_PER_HOUR", 5)
PORTAL_CODE_TRIES_PER_HOUR = env_int("PORTAL_CODE_TRIES_PER_HOUR", 20)
PORTAL_CHALLENGE_MAX_NUMBER = env_int("PORTAL_CHALLENGE_MAX_NUMBER", 50_000)
# Behind nginx every client shares the proxy's address: name the header the proxy sets
# (e.g. HTTP_X_REAL_IP). Only for a proxy that overwrites it — clients can forge it.
PORTAL_CLIENT_IP_HEADER = os.environ.get("PORTAL_CLIENT_IP_HEADER", "")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- API ----------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 20

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
