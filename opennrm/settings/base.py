"""Settings shared by every deployment; everything secret or site-specific comes from the env."""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from opennrm.crypto.keyfile import local_env_file

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

VAR_DIR = Path(env("OPENNRM_VAR_DIR", default=str(BASE_DIR / "var")))
# A local key file (made by `make run`) may hold the secrets of a development install.
_ENV_FILE = local_env_file()
if _ENV_FILE.exists():
    environ.Env.read_env(str(_ENV_FILE))

SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
# Demo mode lets the demo users sign in without two-factor; production settings refuse it.
DEMO_MODE = env.bool("OPENNRM_DEMO_MODE", default=False)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "opennrm.audit",
    "opennrm.crypto",
    "opennrm.accounts",
    "opennrm.matching",
    "opennrm.people",
    "opennrm.cases",
    "opennrm.hotline",
    "opennrm.screening",
    "opennrm.notifications",
    "opennrm.directory",
    "opennrm.referrals",
    "opennrm.returns",
    "opennrm.linkage",
    "opennrm.stats",
    "opennrm.interop",
    "opennrm.api",
    "opennrm.worklist",
    "opennrm.portal",
]
# Installed by the development and test settings only, never by production: the demo scenario
# (`load_demo`) and the synthetic population (`generate_population`) write invented people.
DEVELOPMENT_APPS = ["opennrm.demo", "opennrm.devtools"]

MIDDLEWARE = [
    # First, so that it sees every answer under /api/: never cached, every error problem+json.
    "opennrm.api.middleware.ApiResponseMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The portal on its own host name sees the portal's URLs only (OPENNRM_PORTAL_HOST).
    "opennrm.portal.middleware.PortalHostMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "opennrm.accounts.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "opennrm.accounts.middleware.SessionLifetimeMiddleware",
    "opennrm.accounts.middleware.ActiveMembershipMiddleware",
    "opennrm.accounts.middleware.OrganizationTimeZoneMiddleware",
    "opennrm.accounts.middleware.TwoFactorRequiredMiddleware",
    # Name searches and sign-in per user and address; needs a shared CACHES with several workers.
    "opennrm.accounts.ratelimit.RateLimitMiddleware",
    "opennrm.screening.device_lock.SelfAnswerLockMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "opennrm.urls"
WSGI_APPLICATION = "opennrm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "opennrm" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "opennrm.accounts.context_processors.shell",
                "opennrm.notifications.context_processors.unread",
                "opennrm.worklist.context_processors.counts",
            ],
            # Filters every template may use without loading: {{ code|country }}, |language.
            "builtins": ["opennrm.locales"],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'opennrm.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so the audit chain is appended in order.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # Sorts and groupings (a name search's ranking, a list's order) in memory, not in
        # temporary files: the ranking query's p95 went 21 -> 9 ms at 100,000 persons.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;"
        ),
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions: 30 minutes idle, 12 hours absolute (SessionLifetimeMiddleware enforces both).
SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Lockout: 5 failures per username and IP together, then 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "OpenNRM"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ru", _("Russian")),
    ("kk", _("Kazakh")),
    ("uz-latn", _("Uzbek (Latin)")),
]
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "opennrm" / "static"]
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Field encryption: "id:base64key,id:base64key", the first one encrypts, all of them decrypt.
OPENNRM_FIELD_KEYS = env("OPENNRM_FIELD_KEYS")
OPENNRM_BLIND_INDEX_KEY = env("OPENNRM_BLIND_INDEX_KEY")
# The audit chain's HMAC keys, "id:base64key,id:base64key": the first signs new events, all of
# them verify. Never stored in the database, so its owner cannot recompute the chain.
OPENNRM_AUDIT_KEYS = env("OPENNRM_AUDIT_KEYS")
# Where signed checkpoints of the audit chain's head are appended: outside the database, in a
# place the database's users cannot write (docs/deploy.md makes the file append-only).
OPENNRM_AUDIT_CHECKPOINT_DIR = Path(
    env("OPENNRM_AUDIT_CHECKPOINT_DIR", default=str(VAR_DIR / "audit"))
)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The statistics tables (opennrm/stats/cache.py) in a cache of their own, so they never crowd out
# the rate-limit counters of "default": files under var/, which every process of the host shares
# (gunicorn's workers, the task worker that prepares large national figures), so a write in one
# invalidates them for all. Another shared cache (Redis, Memcached) may replace it; a cache in
# one process's memory would leave the others' figures stale until OPENNRM_STATS_CACHE_SECONDS.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "stats": env.cache_url(
        "OPENNRM_STATS_CACHE_URL",
        default=f"filecache://{VAR_DIR / 'cache' / 'stats'}?MAX_ENTRIES=5000",
    ),
    # Progress of background jobs, shared by the worker and the web processes (an import's rows
    # are counted inside its transaction, which the page cannot see until it ends).
    "jobs": env.cache_url(
        "OPENNRM_JOBS_CACHE_URL",
        default=f"filecache://{VAR_DIR / 'cache' / 'jobs'}?MAX_ENTRIES=1000",
    ),
}
OPENNRM_STATS_CACHE_SECONDS = env.int("OPENNRM_STATS_CACHE_SECONDS", default=600)
# A national view over more cases than this is prepared in the background (bench/stats.py: about
# 3 s cold per 100,000 cases on SQLite), its progress shown on the page.
OPENNRM_STATS_PREPARE_ABOVE = env.int("OPENNRM_STATS_PREPARE_ABOVE", default=200_000)

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="opennrm@localhost")
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))

# The address users reach OpenNRM at, for links in e-mails.
OPENNRM_BASE_URL = env("OPENNRM_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Send a copy of in-app notifications by e-mail (through EMAIL_BACKEND / EMAIL_URL).
OPENNRM_EMAIL_NOTIFICATIONS = env.bool("OPENNRM_EMAIL_NOTIFICATIONS", default=False)
# Hours a receiver has to answer a referral, by urgency, e.g. "urgent=2,normal=48,low=168";
# unset urgencies keep the defaults of opennrm.referrals.services.DEFAULT_DEADLINES.
OPENNRM_REFERRAL_DEADLINES = {
    urgency.strip(): float(hours)
    for urgency, _sep, hours in (
        item.partition("=") for item in env.list("OPENNRM_REFERRAL_DEADLINES", default=[])
    )
}
# Days a hotline keeps the caller's phone, the notes and the person's identifying data of a
# contact it handed on and closed; the counts stay (manage.py hotline_clear_closed).
OPENNRM_HOTLINE_RETENTION_DAYS = env.int("OPENNRM_HOTLINE_RETENTION_DAYS", default=30)
# Largest attachment accepted, in bytes.
OPENNRM_ATTACHMENT_MAX_BYTES = env.int("OPENNRM_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# API tokens live at most this long.
API_TOKEN_MAX_DAYS = env.int("OPENNRM_API_TOKEN_MAX_DAYS", default=90)
# Statistics leaving an organization (decision 0024): counts of 1 to this less one are
# suppressed (CTDC's 11); the total epsilon each data set's differentially private releases may
# spend; the citizenships a release names (ISO codes; any other is "other or unknown").
OPENNRM_STATS_SUPPRESSION_THRESHOLD = env.int("OPENNRM_STATS_SUPPRESSION_THRESHOLD", default=11)
# The public prevention portal on a host name of its own, at that host's root ("" = only /help/).
OPENNRM_PORTAL_HOST = env.str("OPENNRM_PORTAL_HOST", default="")
# The organization whose hotline receives the portal's tips and whose admin edits its pages.
OPENNRM_PORTAL_ORGANIZATION = env.str("OPENNRM_PORTAL_ORGANIZATION", default="")
# Where the portal's "quick exit" leaves for: a neutral site that tells nothing of the portal.
OPENNRM_PORTAL_EXIT_URL = env.str("OPENNRM_PORTAL_EXIT_URL", default="https://www.google.com/")
OPENNRM_STATS_PRIVACY_BUDGET = env.str("OPENNRM_STATS_PRIVACY_BUDGET", default="3")
OPENNRM_STATS_RELEASE_COUNTRIES = env.list(
    "OPENNRM_STATS_RELEASE_COUNTRIES",
    default=["KZ", "KG", "TJ", "TM", "UZ", "AF", "RU", "CN", "TR", "AE"],
)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        # Request lines carry only paths, and paths carry only UUIDs; still keep them terse.
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        # Audit checkpoints and refused accesses: kept whatever DJANGO_LOG_LEVEL says.
        "opennrm.audit": {"level": "INFO"},
        "opennrm.security": {"level": "INFO"},
    },
}
