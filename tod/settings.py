"""Settings, read from the environment.

With nothing set the app runs for development: SQLite, DEBUG on, e-mail to the console and an
embedded Celery broker on the file system (no Redis needed). Production differs by values, not by
code: set DJANGO_DEBUG=false and the values that .env.example lists. A value that production needs
and that is missing stops the start with a message that names it.
"""

import os
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    env.read_env(str(BASE_DIR / ".env"))

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# A production installation (DJANGO_DEBUG=false). Not DEBUG itself: the test runner turns DEBUG
# off, and commands that must not run in production (seed_demo, seed_scale) ask this.
PRODUCTION = not DEBUG


def _required_in_production(name: str, development_default):
    """Return the variable, or the development default; refuse to start production without it."""
    value = env(name, default=None)
    if value:
        return value
    if not DEBUG:
        raise ImproperlyConfigured(
            f"{name} must be set when DJANGO_DEBUG is false (see .env.example)."
        )
    return development_default


SECRET_KEY = _required_in_production(
    "SECRET_KEY", "django-insecure-development-only-key-do-not-use-in-production"
)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS",
    default=_required_in_production("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(
        ","
    ),
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "tod.apps.ToDAdminConfig",  # django.contrib.admin with the superuser-only site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "crispy_forms",
    "crispy_bootstrap5",
    "phonenumber_field",
    "anymail",
    "tod.accounts",
    "programme",
    "matching",
    "logbooks",
    "evaluation",
    "tod.outbox",
    "tod.audit",
    "tod.privacy",
    "tod.once",
    "tod.backups",
    "demo",  # seed_demo and seed_scale: demo and scale data on top of the apps
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tod.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Keeps a logbook POST that arrives after the session ended (logbooks/middleware.py).
    "logbooks.middleware.LogbookRescueMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tod.audit.context.AuditActorMiddleware",
    "tod.accounts.middleware.SessionTimeoutMiddleware",
    "tod.accounts.two_factor.TwoFactorMiddleware",
    "tod.accounts.middleware.NoCacheForSignedInMiddleware",
    "tod.accounts.middleware.UserLanguageCookieMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tod.urls"
WSGI_APPLICATION = "tod.wsgi.application"

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
                "tod.accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
# DATABASE_URL switches to PostgreSQL: postgres://user:password@host:5432/name
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions ---------------------------------------------------------------------------
# CACHE_URL=redis://host:6379/2 gives the web workers a shared cache. Sessions are then read from
# it and written through to the database (Django's cached_db): a signed-in page no longer queries
# its session. Without a shared cache sessions stay in the database only: a per-process cache
# must not hold them, or a logout in one worker would leave the session open in the others.
CACHES = {
    # redis://... gives Django's own RedisCache (django.core.cache.backends.redis).
    "default": env.cache("CACHE_URL", default="locmemcache://"),
}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Users ----------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# The people the programme is about, as AUTH_USER_MODEL names the logins: the platform (tod) names
# this model and never imports its app. A reminder's recipient without a login, the subject of the
# access log, the access export and erasure. Fixed once the tables exist, like AUTH_USER_MODEL.
PARTICIPANT_MODEL = "programme.Participant"
AUTHENTICATION_BACKENDS = [
    "tod.accounts.throttling.ThrottledLoginBackend",
    # Django's ModelBackend that also refuses an account past its access expiry date, at login
    # and on every request (tod/accounts/backends.py).
    "tod.accounts.backends.AccountBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time ----------------------------------------------------------------------------
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as the programme's readers write them: Danish, and English as in Britain (25/10/2006),
# never as in the United States; see tod/formats/.
FORMAT_MODULE_PATH = ["tod.formats"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Key of the evaluation's stable pseudonyms (HMAC of record ids); keep it secret and never change
# it during a study, or the pseudonyms in earlier exports no longer match.
EVALUATION_PSEUDONYM_KEY = env("EVALUATION_PSEUDONYM_KEY", default=f"pseudonyms:{SECRET_KEY}")

# --- Backups (tod.backups, docs/operations.md#backups) --------------------------------------------
# The passphrase backups are encrypted with: the backup and restore commands refuse to run
# without it. Keep a copy apart from the backups; a backup is unreadable without its key.
BACKUP_ENCRYPTION_KEY = env("BACKUP_ENCRYPTION_KEY", default="")
BACKUP_DIR = env.path("BACKUP_DIR", default=VAR_DIR / "backups")
# How many backup files BACKUP_DIR keeps: each new backup deletes all but the newest this many.
BACKUP_KEEP = env.int("BACKUP_KEEP", default=14)

# .env.example's placeholders are public: a production that kept one signs sessions (or derives
# the evaluation's pseudonyms, encrypts its backups, opens its database) with a key anyone can
# read.
if not DEBUG:
    for _name, _value in (
        ("SECRET_KEY", SECRET_KEY),
        ("EVALUATION_PSEUDONYM_KEY", env("EVALUATION_PSEUDONYM_KEY", default="")),
        ("BACKUP_ENCRYPTION_KEY", BACKUP_ENCRYPTION_KEY),
        (
            "The password in DATABASE_URL (POSTGRES_PASSWORD in docker-compose)",
            str(DATABASES["default"].get("PASSWORD") or ""),
        ),
        ("GATEWAYAPI_TOKEN", env("GATEWAYAPI_TOKEN", default="")),
        ("GATEWAYAPI_WEBHOOK_SECRET", env("GATEWAYAPI_WEBHOOK_SECRET", default="")),
    ):
        if _value.startswith("change-me"):
            raise ImproperlyConfigured(
                f"{_name} still has the placeholder from .env.example. Set it to a long "
                "random value of its own, e.g. the output of: "
                "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
            )

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
PHONENUMBER_DEFAULT_REGION = "DK"

# --- E-mail ---------------------------------------------------------------------------------------
# EMAIL_URL configures SMTP in production: smtp+tls://user:password@smtp.example.org:587
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# The sender of the account mails (password reset, two-step login links): like the reminders,
# it does not name the programme, whose name says what the recipient is treated for.
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="ToD <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# EMAIL_ESP sends through an e-mail service with django-anymail instead (e.g. postmark), whose
# delivery and bounce webhooks update the outbox rows (docs/operations.md#sms-and-e-mail-providers).
EMAIL_ESP = env("EMAIL_ESP", default="").strip().lower()
# Anymail's setting for each service's credential (most call it API_KEY).
_ESP_KEY_NAMES = {"postmark": "SERVER_TOKEN"}
ANYMAIL: dict[str, object] = {
    # "user:password" that the service's tracking webhook sends as HTTP basic auth.
    "WEBHOOK_SECRET": env("EMAIL_WEBHOOK_SECRET", default=""),
}
if EMAIL_ESP:
    EMAIL_BACKEND = f"anymail.backends.{EMAIL_ESP}.EmailBackend"
    _esp = EMAIL_ESP.upper()
    ANYMAIL[f"{_esp}_{_ESP_KEY_NAMES.get(EMAIL_ESP, 'API_KEY')}"] = _required_in_production(
        "EMAIL_ESP_API_KEY", ""
    )
    if env("EMAIL_ESP_API_URL", default=""):  # the service's API address (tests: 127.0.0.1)
        ANYMAIL[f"{_esp}_API_URL"] = env("EMAIL_ESP_API_URL")

# --- Celery ---------------------------------------------------------------------------------------
# Without CELERY_BROKER_URL, kombu's file-system transport under var/celery stands in for Redis, so
# `make run` needs no broker. CELERY_BROKER_URL=redis://host:6379/0 switches to Redis.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    for folder in ("out", "processed"):
        (VAR_DIR / "celery" / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "data_folder_in": str(VAR_DIR / "celery" / "out"),
        "data_folder_out": str(VAR_DIR / "celery" / "out"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
    }
else:
    # Below Redis's visibility timeout on purpose: no task may wait longer than this in the broker.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_BACKEND = env(
    "CELERY_RESULT_BACKEND",
    default=(
        CELERY_BROKER_URL
        if CELERY_BROKER_URL.startswith("redis")
        else f"file://{VAR_DIR / 'celery' / 'results'}"
    ),
)
if CELERY_RESULT_BACKEND.startswith("file://"):
    (VAR_DIR / "celery" / "results").mkdir(parents=True, exist_ok=True)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE

# Every periodic job of the product, in one place. Each is idempotent: a missed run is caught up by
# the next one and a double run does nothing twice.
CELERY_BEAT_SCHEDULE = {
    # Volunteers' accounts can carry an expiry date; deactivate them once it has passed.
    # Personal data past each site's retention period is erased (pseudonymised records stay).
    "erase-past-retention": {
        "task": "tod.privacy.tasks.erase_personal_data_past_retention",
        "schedule": crontab(hour=3, minute=30),
    },
    "deactivate-expired-accounts": {
        "task": "tod.accounts.tasks.deactivate_expired_accounts",
        "schedule": crontab(minute=5),
    },
    # Expired sessions (and any logbook text they kept for after a login) are deleted daily;
    # Django never deletes them by itself.
    "clear-expired-sessions": {
        "task": "tod.accounts.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=50),
    },
    # The outbox sweep: sends due reminders (rows in PostgreSQL, claimed with SKIP LOCKED, so two
    # beats or a double run send nothing twice; a missed run is caught up by the next).
    "sweep-outbox": {
        "task": "tod.outbox.tasks.sweep_outbox",
        "schedule": 60.0,
    },
    # The apps' reminder rules (tod.outbox.rules): the programme's invitations and day-before
    # reminders for training days, supervision and network meetings.
    "outbox-plan-reminders": {
        "task": "tod.outbox.tasks.plan_reminders",
        "schedule": crontab(minute="*/10"),
    },
    # Pairs at risk -> alerts to their managers (keyed per episode, so hourly runs alert once);
    # pairs past their last planned meeting -> completed.
    "logbooks-hourly": {
        "task": "logbooks.tasks.pairs_hourly",
        "schedule": crontab(minute=15),
    },
    # Uploaded participant lists never confirmed are deleted a day after their upload: they hold
    # the rows of people who are not participants (programme.imports).
    "programme-import-uploads-expire": {
        "task": "programme.tasks.import_uploads_expire",
        "schedule": crontab(minute=25),
    },
    # Nurses' post-visit reminders (six months after a pair started), planned in the outbox; keyed
    # per peer and nurse, so a double run plans nothing twice and a missed day is caught up.
    "evaluation-nurse-reminders": {
        "task": "evaluation.tasks.plan_nurse_reminders",
        "schedule": crontab(hour=6, minute=40),
    },
}

# --- Reminders (tod.outbox) -----------------------------------------------------------------------
# Reminders carry no health content, so their sender does not name the programme either.
OUTBOX_FROM_EMAIL = env("OUTBOX_FROM_EMAIL", default="ToD <noreply@localhost>")
# The SMS gateway: a class with send_sms(*, to, text, reference) (tod/outbox/channels/sms.py).
# The default writes SMS to the log; a system check refuses it in production unless it is named
# here on purpose.
OUTBOX_SMS_BACKEND = env("OUTBOX_SMS_BACKEND", default="tod.outbox.channels.LoggingSmsBackend")
OUTBOX_SMS_BACKEND_EXPLICIT = bool(env("OUTBOX_SMS_BACKEND", default=""))
# The sender shown on the phone (GatewayAPI: up to 11 letters or 15 digits; Twilio: the From
# number). Like the e-mails' sender, it never names the programme.
OUTBOX_SMS_SENDER = env("OUTBOX_SMS_SENDER", default="")
# A longer text is refused (stored as the row's error) rather than sent as more parts.
OUTBOX_SMS_MAX_SEGMENTS = env.int("OUTBOX_SMS_MAX_SEGMENTS", default=3)
# Seconds to wait for the gateway; past it the row is retried (the sweep holds the row's lock).
OUTBOX_SMS_TIMEOUT = env.float("OUTBOX_SMS_TIMEOUT", default=10.0)
GATEWAYAPI_TOKEN = env("GATEWAYAPI_TOKEN", default="")
GATEWAYAPI_WEBHOOK_SECRET = env("GATEWAYAPI_WEBHOOK_SECRET", default="")
GATEWAYAPI_BASE_URL = env("GATEWAYAPI_BASE_URL", default="https://gatewayapi.com")
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN", default="")
TWILIO_BASE_URL = env("TWILIO_BASE_URL", default="https://api.twilio.com")
OUTBOX_QUIET_HOURS = (21, 8)  # no SMS from 21:00 to 08:00, Copenhagen time
# The public address of the app, for links in reminders.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# --- Audit trail (tod.audit) ---------------------------------------------------------------------
# Every row of these apps is personal or health data: each insert, update and delete is recorded by
# a database trigger with who and when. Bookkeeping models that hold no one's data are left out.
AUDITED_APPS = ["programme", "matching", "logbooks", "evaluation"]
AUDIT_EXCLUDED_MODELS = [
    "programme.InterestAttempt",  # rate-limit counters of the public form
    # an uploaded import file until it is confirmed or expires: its rows must not outlive it in
    # the append-only trail (the participants it creates are audited as they are created)
    "programme.ImportUpload",
    "matching.MatchRun",  # progress of a matching run
    "logbooks.CalendarFeed",  # secret feed tokens: kept out of the trail on purpose
]
# The platform's models in the trail too, each with the columns it never copies: accounts and
# their invitations (docs/adr/0012), without the password hash, the session salt, the
# invitation's token hash or the last login (a change to those alone writes no event), and the
# sites, whose retention period each site's manager edits on the site's settings page.
AUDITED_MODELS = {
    "accounts.User": ["password", "session_salt", "last_login"],
    "accounts.Invitation": ["token_hash"],
    "accounts.Site": [],
}

# --- Security -------------------------------------------------------------------------------------
# Sessions end after 30 minutes idle and 12 hours in all (tod.accounts.middleware).
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=12 * 3600)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# The language choice: no script reads it, and in production it travels over HTTPS only.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # The container's healthcheck asks http://127.0.0.1:8000/healthz directly, without the
    # proxy's X-Forwarded-Proto: redirected to https it could never pass. /healthz holds nothing.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

OTP_TOTP_ISSUER = "ToD"
# Roles that must log in in two steps (password + authenticator app). The demo of `make run`
# sets it empty so the demo logins work with the password alone.
TWO_FACTOR_REQUIRED_ROLES = env.list(
    "TWO_FACTOR_REQUIRED_ROLES", default=["manager", "nurse", "evaluator"]
)
# How long an invitation's link works (tod/invitations, docs/adr/0012).
INVITATION_MAX_AGE_HOURS = env.int("INVITATION_MAX_AGE_HOURS", default=72)

# Login throttling (tod.accounts.throttling): 10 failures lock that username from that address, and
# 10 failures of any usernames lock the address, for 15 minutes; each failure after a lock locks
# again for twice as long (at most a day). Nobody can lock a manager out from another address.
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = "tod.accounts.throttling.lockout_cool_off"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "tod.accounts.throttling.BackOffDatabaseHandler"
# A try during a lock is refused without counting: it neither extends nor deepens the lock.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tod.accounts.throttling.lockout_response"
AXES_CLIENT_IP_CALLABLE = "tod.accounts.throttling.client_address"
AXES_VERBOSE = False
# How many reverse proxies in front of the app append to X-Forwarded-For (docker-compose: 1).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Where those proxies connect from: X-Forwarded-For is read only from these addresses (default:
# loopback and the private ranges Docker's networks use); a direct client's header is ignored.
TRUSTED_PROXY_NETWORKS = env.list(
    "TRUSTED_PROXY_NETWORKS",
    default=["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
)

# No inline scripts or styles anywhere: every page is held to this policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Browser features no page of ToD uses, switched off for every page and any frame (tod/headers.py).
PERMISSIONS_POLICY = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "usb",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # every login is logged at INFO otherwise
    },
}

# The test suite runs with django-zeal, which fails any request whose code loads related objects
# one query at a time (N+1). pytest sets PYTEST_VERSION; nothing of zeal runs outside the tests.
if os.environ.get("PYTEST_VERSION"):
    INSTALLED_APPS.append("zeal")
    MIDDLEWARE.insert(0, "zeal.middleware.zeal_middleware")
    ZEAL_RAISE = True
    # Three loads from one line in one request is a loop; two is a view fetching two objects.
    ZEAL_NPLUSONE_THRESHOLD = 3

# Modules that contribute entries to the navigation menu, each with `items(user)`.
NAVIGATION_MODULES = [
    "programme.navigation",
    "matching.navigation",
    "logbooks.navigation",
    "evaluation.navigation",
    "tod.invitations.navigation",
]

# Modules that contribute panels to the role dashboards, each with `panels(request, dashboard)`.
DASHBOARD_PANEL_MODULES = [
    "programme.panels",
    "matching.panels",
    "logbooks.panels",
    "evaluation.panels",
]
