"""Settings for the chapter records application: one file, read from the environment.

Development works with no environment at all once ``DJANGO_DEBUG=True`` (``make run`` sets it).
Production sets ``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS``, ``DATABASE_URL`` and leaves
``DJANGO_DEBUG`` unset; without a secret key and with debug off the application refuses to start.
See ``.env.example`` and the README.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from chapter.env import dev_secret_key, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it in production, or set DJANGO_DEBUG=True "
            "for local development (a development key is then generated)."
        )
    SECRET_KEY = dev_secret_key(BASE_DIR / ".dev-secret-key")

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "treebeard",
    "axes",
    "csp",
    "js_lib_bootstrap5",
    "js_lib_bootstrap_icons",
    "js_lib_htmx",
    # Background work (large exports and imports): django-tasks, its queue in our database.
    "django_tasks",
    "django_tasks_db",
    "chapter",
    "members",
    "admissions",
    "ratings",
    "reports",
    "documents",
    "demo",  # the top layer: the demo story and seed_scale import every app
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses what every middleware below and the view wrote (Django's docs: before any
    # middleware that reads or sets the body); skips files already compressed (xlsx, pdf).
    "chapter.compression.PageGZipMiddleware",
    # Once a process, after the first page: the loaded application out of the collector's walks.
    "chapter.middleware.FreezeLoadedObjectsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "chapter.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "chapter.middleware.PrivateCacheMiddleware",
    # A NUL in a parameter is a "bad request" page, never a database error (issue 10).
    "chapter.middleware.RejectNullCharactersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # AxesMiddleware must be last: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "chapter.urls"
WSGI_APPLICATION = "chapter.wsgi.application"

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
            ],
            # {% icon %} in every template without a {% load %} (chapter/icons.py)
            "builtins": ["chapter.templatetags.icons"],
        },
    },
]

# Database: PostgreSQL through DATABASE_URL in production and CI; an embedded SQLite file
# otherwise. IMMEDIATE makes every atomic block take SQLite's write lock as it begins, so
# concurrent writers queue instead of failing half-way (see STYLE.md, section 2).
SQLITE_PATH = BASE_DIR / "db.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{SQLITE_PATH}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
# A streaming replica of the primary (PostgreSQL): reports, exports and committee pages read
# from it, everything else from the primary (chapter/replica.py).
if env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.config(
        env="DATABASE_REPLICA_URL",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["chapter.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out user before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock an account (by user name, whatever the address) after repeated failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Languages: Vietnamese first whatever the browser says; English is a choice kept in a cookie.
LANGUAGE_CODE = "vi"
# Each language is named in itself, so the switch reads right whichever is active.
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
# dd/mm/yyyy in and out, in both languages (chapter/formats/).
FORMAT_MODULE_PATH = ["chapter.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files are private: no MEDIA_URL and no URL serves MEDIA_ROOT. Dossier scans live in
# SCANS_ROOT (by default MEDIA_ROOT, where earlier versions put them) under random names and are
# sent only by admissions' scan view after a scope check (chapter/files.py).
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
SCANS_ROOT = Path(env_str("DJANGO_SCANS_ROOT", str(MEDIA_ROOT)))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "scans": {
        "BACKEND": "chapter.files.PrivateFileSystemStorage",
        "OPTIONS": {"location": SCANS_ROOT},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
SCAN_MAX_BYTES = env_int("DJANGO_SCAN_MAX_MB", 10) * 1024 * 1024
# Behind nginx: the view answers with X-Accel-Redirect to this internal location (README).
SCANS_X_ACCEL_PREFIX = env_str("DJANGO_SCANS_X_ACCEL_PREFIX", "")
# Source maps are large and never served to users: skipping them halves collectstatic.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = ["map", "jpg", "jpeg", "png", "gif", "webp", "woff", "woff2"]

# Django's form renderer with the select and plain input templates written in Python (a fifth of
# a register page went into rendering the filter form's options through templates).
FORM_RENDERER = "chapter.form_renderer.FastWidgetRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Security: safe by default. Behind a TLS-terminating proxy set DJANGO_SECURE_PROXY_SSL=True.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("DJANGO_SECURE_PROXY_SSL", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = [
    # We lock the account itself, from whatever address: an IP-bound lock would let a guesser
    # rotate addresses, and would lock a whole office behind one NAT address.
    "axes.W006",
]
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS.append("security.W021")

# Content-Security-Policy (django-csp): our own files only, no inline script, no inline style
# attribute (charts use classes from app.css), nothing framed, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Bootstrap's CSS draws its icons as data: SVGs
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_HOURS", 12) * 3600

# Background tasks (django-tasks, the backport of Django 6's task framework): queued as rows of
# this database and run by `manage.py db_worker` (`make run` starts one; README: the worker in
# production). Progress and the finished file are a `chapter.models.Job` (chapter/jobs.py).
TASKS = {"default": {"BACKEND": env_str("DJANGO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# A register export or an import of more rows than this runs as a task (the page shows progress).
BACKGROUND_ROWS = env_int("DJANGO_BACKGROUND_ROWS", 5000)
# A finished job's file is kept this many days, then deleted (`manage.py cleanup_jobs`).
JOB_FILE_DAYS = env_int("DJANGO_JOB_FILE_DAYS", 7)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint tells every step of every PDF at INFO.
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}
