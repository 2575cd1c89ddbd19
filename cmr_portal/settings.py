"""Settings for the CMR portal, read from the environment (see the configuration table in README).

There is one settings module. ``PORTAL_ENV`` is ``production`` unless it says ``development``: in
production a missing or default secret key, DEBUG or the demo sign-in stop start-up.
"""

from datetime import timedelta
from fractions import Fraction
from pathlib import Path

import django_stubs_ext
import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

# Lets the admin and querysets take type parameters at run time, as mypy sees them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# What the portal writes when no service holds it: the demo's SQLite database, broker and beat
# schedule, uploads, emails and logs (scripts/run-dev.sh). Its test points it at a directory of
# its own.
VAR_DIR = BASE_DIR / env.str("VAR_DIR", default="var")

PORTAL_ENV = env.str("PORTAL_ENV", default="production")
if PORTAL_ENV not in {"production", "development"}:
    raise ImproperlyConfigured(
        f"PORTAL_ENV must be 'production' or 'development', not {PORTAL_ENV!r}."
    )
PRODUCTION = PORTAL_ENV == "production"

# A key that only development may use. Production refuses it, and refuses a missing key.
DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default="")
if PRODUCTION and (not SECRET_KEY or SECRET_KEY == DEVELOPMENT_SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY is missing or is the development key. In production set SECRET_KEY to a long "
        "random value, for example the output of: "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
SECRET_KEY = SECRET_KEY or DEVELOPMENT_SECRET_KEY

DEBUG = env.bool("DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost"])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

# The marking shown on every page and printed on every exported document.
PROTECTIVE_MARKING = env.str("PROTECTIVE_MARKING", default="OFFICIAL-SENSITIVE")

INSTALLED_APPS = [
    "cmr_portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "guardian",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "cmr_portal.tooling",
    "cmr_portal.kernel.audit",
    "cmr_portal.kernel.notifications",
    "cmr_portal.kernel.documents",
    "panels",
    "referrals",
    "reviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cmr_portal.kernel.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "panels.middleware.SessionLifetimeMiddleware",
    "panels.middleware.SecondFactorMiddleware",
    # After the person is known, so that its 400 page is the portal's own, with the menu.
    "cmr_portal.kernel.middleware.RequestCleaningMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "panels.middleware.RequireTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cmr_portal.urls"
WSGI_APPLICATION = "cmr_portal.wsgi.application"

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
                "cmr_portal.context_processors.portal",
            ],
            # Counts with their nouns: {{ days|counted:"working day" }} on every page.
            "builtins": ["cmr_portal.kernel.words"],
            "libraries": {
                "pagination": "cmr_portal.kernel.pagination",
                "tables": "cmr_portal.kernel.tables",
            },
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "panels.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "panels.backends.PortalBackend",
]
# Object permissions are read by panels.access (once per request), never by guardian's backend,
# which would let superusers and model-wide grants see every case.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions end after this long without a request, and this long after signing in, whatever.
SESSION_ENGINE = "cmr_portal.kernel.sessions"
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=30) * 60
SESSION_ABSOLUTE_LIFETIME = env.int("SESSION_ABSOLUTE_LIFETIME_HOURS", default=12) * 60 * 60
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME

# Sign-in lockout (django-axes): by the email address tried, whether or not an account has it.
AXES_FAILURE_LIMIT = env.int("SIGN_IN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("SIGN_IN_LOCKOUT_MINUTES", default=30))
# Not by IP address: a Trust's staff share a few addresses, and one person's mistakes must not
# lock out a whole office. Rotating user agents or cookies does not reset a lockout by address.
AXES_LOCKOUT_PARAMETERS = ["username"]
# guardian.W001 asks for guardian's backend, which lets superusers see every case: panels.access
# reads object permissions instead.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "guardian.W001"]
# The sign-in form's field is "username" (Django's), though the user model's is "email".
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "panels.security.attempted_email"
AXES_LOCKOUT_CALLABLE = "panels.security.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "cmr_portal.kernel.client.client_address"

# Two-factor authentication (django-otp): TOTP in an authenticator app, and recovery codes.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="CMR portal")
RECOVERY_CODE_COUNT = 10

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# DEMO lets the fictional demo users sign in without a second factor. Production refuses it.
DEMO = env.bool("DEMO", default=False)
if PRODUCTION and DEMO:
    raise ImproperlyConfigured("DEMO must be off in production: demo users skip two-factor.")

# The password of the fictional demo users that ``make run`` loads (development only).
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="fictional-demo-password")

# Anonymous users get no guardian user row; nobody signs in anonymously here.
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
# Built by `make setup` into var/ whatever VAR_DIR says: it comes from the code, not the data.
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
# static/build/ holds what `npm run build` makes: the stylesheet and GOV.UK Frontend's script
# and images. Nothing else from node_modules is served.
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded documents: never under STATIC_ROOT and with no MEDIA_URL, so no URL serves them but the
# permission-checked download views.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_MEGABYTES", default=20) * 1024 * 1024
# Lists count their rows up to this many (cmr_portal/kernel/pagination.py), then say "More than
# 10,000" and page forward only. At scale 1, counting 10,001 of an SBNI officer's referrals takes
# 1.0 to 1.4 ms in PostgreSQL, and all 100,000 of them 15 to 20 ms.
LIST_COUNT_CAP = 10_000

# The CMR Panel's standing orders: notice of business in clear days, and the share of its members
# that makes a quorum (the chair must be among them).
# The marking of the anonymised publication version of a review, which is meant for the public.
PUBLICATION_MARKING = env.str("PUBLICATION_MARKING", default="OFFICIAL")
CMR_PANEL_NOTICE_CLEAR_DAYS = env.int("CMR_PANEL_NOTICE_CLEAR_DAYS", default=7)
CMR_PANEL_QUORUM = Fraction(env.str("CMR_PANEL_QUORUM", default="2/3"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
# filemail:// (the demo's): a file per connection under var/emails, or under the path that
# follows, relative to the project (four slashes for an absolute path).
if EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend":
    EMAIL_FILE_PATH = BASE_DIR / (_email["EMAIL_FILE_PATH"] or VAR_DIR / "emails")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="CMR portal <no-reply@cmr-portal.invalid>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis in production and tests; the demo uses kombu's filesystem transport under var/.
# The host is ignored, and named so that kombu does not warn of its absence at every connection.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://localhost/")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(
    env.path("CELERY_BEAT_SCHEDULE_FILENAME", default=VAR_DIR / "celerybeat-schedule")
)

# Reminders of deadlines, in Northern Ireland working days (see the README).
REMINDER_SWEEP_MINUTES = env.int("REMINDER_SWEEP_MINUTES", default=15)
REMINDER_DAYS_BEFORE = sorted(env.list("REMINDER_DAYS_BEFORE", cast=int, default=[5, 1]))
REMINDER_OVERDUE_EVERY_DAYS = env.int("REMINDER_OVERDUE_EVERY_DAYS", default=5)
REMINDER_ESCALATE_AFTER_DAYS = env.int("REMINDER_ESCALATE_AFTER_DAYS", default=5)
REMINDER_DIGEST_HOUR = env.int("REMINDER_DIGEST_HOUR", default=7)
# An email is tried, 1, 2, 4... minutes apart and then hourly, for this long before it is left
# for the administrators: the longest outage of the mail server or the broker that loses nothing.
EMAIL_HORIZON_HOURS = env.float("EMAIL_HORIZON_HOURS", default=48)
# The monitoring figures are worked out again this often (minutes): about a minute and a half's
# work at national scale (docs/performance.md), shown on the page with the time it was done.
MONITORING_REFRESH_MINUTES = env.int("MONITORING_REFRESH_MINUTES", default=60)
# Counts from 1 to this less one leave the monitoring page only as "fewer than 5" (disclosure
# control: reviews/monitoring/disclosure.py).
DISCLOSURE_THRESHOLD = env.int("DISCLOSURE_THRESHOLD", default=5)
CELERY_BEAT_SCHEDULE = {
    "reminder-sweep": {
        "task": "cmr_portal.kernel.notifications.tasks.sweep",
        "schedule": REMINDER_SWEEP_MINUTES * 60,
    },
    # The emails due (first tries lost with the broker, and retries), and the day's digests
    # from the digest hour on, until each has gone.
    "email-sweep": {
        "task": "cmr_portal.kernel.notifications.tasks.send_due_emails",
        "schedule": 60,
    },
    "monitoring-refresh": {
        "task": "reviews.tasks.refresh_monitoring",
        "schedule": MONITORING_REFRESH_MINUTES * 60,
    },
}

# Security: the production values are the defaults; development relaxes only what HTTP needs.
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
SESSION_COOKIE_HTTPONLY = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The proxies whose X-Forwarded-For is believed (cmr_portal/kernel/client.py).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): the portal's own files only; no inline script or style
# but with the request's nonce; no framing; no plugins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client": {"()": "cmr_portal.kernel.client.ClientAddressFilter"}},
    "formatters": {
        "request": {"format": "%(levelname)s %(name)s client=%(client)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "requests": {
            "class": "logging.StreamHandler",
            "filters": ["client"],
            "formatter": "request",
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # django-axes logs every sign-in at INFO; its records are in the database already.
    # WeasyPrint logs each step of every document at INFO.
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        # Records about a request name the client's address, as the audit trail does.
        "django.request": {"handlers": ["requests"], "propagate": False},
        "django.security": {"handlers": ["requests"], "propagate": False},
    },
}
