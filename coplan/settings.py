"""Coplan settings, read from the environment.

The defaults give a safe embedded set-up: SQLite in WAL mode beside the code, DEBUG on
only when asked for. Production sets DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG=false.
"""

import sys
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from coplan.lib.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
TESTING = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG and not TESTING:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY (and DEBUG=false) in production, "
            "or DEBUG=true for a local demo."
        )
    SECRET_KEY = "insecure-local-development-key-not-for-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# HTTPS. Behind a TLS-terminating proxy (BEHIND_TLS_PROXY=true) the proxy says the request
# came over https in X-Forwarded-Proto and adds the client's address to X-Forwarded-For
# (TRUSTED_PROXIES: how many proxies in front of the app add to it).
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", default=False)
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 1 if BEHIND_TLS_PROXY else 0)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=BEHIND_TLS_PROXY)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's health check speaks http
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365 if BEHIND_TLS_PROXY else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "csp",
    "coplan.accounts",
    "coplan.notifications",
    "coplan.people",
    "coplan.access",
    "coplan.pictures",
    "coplan.planning",
    "coplan.support",
    "coplan.delivery",
    "coplan.risk",
    "coplan.reviews",
    "coplan.easyread",
    "coplan.assurance",
    "coplan.api",
    "coplan.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "coplan.accounts.middleware.SecurityHeadersMiddleware",
    "coplan.pictures.middleware.WhiteNoiseWithPictograms",  # WhiteNoise, with the OpenMoji SVGs
    # Before the session: a database outage answers 503, not a traceback (accounts/outage.py).
    "coplan.accounts.outage.DatabaseOutageMiddleware",
    "coplan.accounts.middleware.QueryStringPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "coplan.accounts.middleware.RequireTwoFactorMiddleware",
    "coplan.access.middleware.InspectorBoundsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A shared tablet shows only one person's own space (coplan/access/tablet.py).
    "coplan.access.tablet.TabletModeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes after the others, so it sees every authentication attempt.
    "axes.middleware.AxesMiddleware",
    # Last: it runs the view itself, inside a transaction, for a request that writes.
    "coplan.accounts.middleware.AtomicWritesMiddleware",
]

ROOT_URLCONF = "coplan.urls"
WSGI_APPLICATION = "coplan.wsgi.application"

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
                "coplan.access.context_processors.roles",
                "coplan.notifications.context_processors.unread",
            ],
        },
    },
    # The shift view's body (coplan/delivery/jinja.py says why): only `.jinja` files, asked
    # for by name through this engine.
    {
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "coplan.delivery.jinja.environment"},
    },
]

# Database: SQLite in WAL mode by default; DATABASE_URL for PostgreSQL.
_default_sqlite = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
# A connection is kept CONN_MAX_AGE seconds and checked before reuse, so a database restart
# or failover costs a reconnect, not an error page. Behind pgbouncer in transaction pooling,
# DISABLE_SERVER_SIDE_CURSORS=true (a named cursor does not survive a change of server).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", _default_sqlite),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
        disable_server_side_cursors=env_bool("DISABLE_SERVER_SIDE_CURSORS", default=False),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
            "PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
elif env_bool("DB_PREPARED_STATEMENTS", default=True):
    # PostgreSQL binds parameters on the server and keeps each statement a connection runs
    # often prepared (psycopg prepares it at its 5th run; Django turns that off unless asked),
    # so it is parsed and planned once: in-process, a shift record's database CPU about
    # halves, and no value is quoted in Python. pgbouncer before 1.21 in transaction pooling
    # cannot keep prepared statements: DB_PREPARED_STATEMENTS=false.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds only the password-reset counts (coplan/accounts/services.py). In each
# process's memory by default; with several app servers DATABASE_CACHE=true keeps them in
# one table every server shares (made once by `manage.py createcachetable`).
if env_bool("DATABASE_CACHE", default=False):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "coplan_cache",
        }
    }

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
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: lock an account-and-address pair after 5 failures, for 30 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The client's own address, from the proxy's X-Forwarded-For when behind one: otherwise every
# login seems to come from the proxy, and five wrong tries by anyone lock the account.
AXES_CLIENT_IP_CALLABLE = "coplan.accounts.client.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Coplan"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12  # one long shift
# Secure whenever DEBUG is off: a production login never travels over plain http.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts and styles only from our own static files
# (htmx included; no inline script anywhere). Inline style attributes are allowed: the
# charts are matplotlib SVG drawn inline, and SVG carries its styling in attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
# Bodies larger than this answer 413 in the API (and 400 on a web form).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MAX_BODY_BYTES", 2_621_440)

# Email: the console in development; SMTP from the environment in production.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env_str("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Coplan <coplan@localhost>")
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3  # a reset link works for three hours
# Password reset requests a client address may make, and one account may be sent, an hour.
PASSWORD_RESET_LIMIT_PER_ADDRESS = env_int("PASSWORD_RESET_LIMIT_PER_ADDRESS", 10)
PASSWORD_RESET_LIMIT_PER_ACCOUNT = env_int("PASSWORD_RESET_LIMIT_PER_ACCOUNT", 3)

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "British English")]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded pictures (coplan/pictures). Never served as public media: every file goes
# through a view that checks who is asking, so nothing may serve MEDIA_ROOT directly.
# Tests keep theirs out of the checkout.
MEDIA_ROOT = Path(
    env_str(
        "MEDIA_ROOT",
        str(Path(tempfile.gettempdir()) / "coplan-test-media" if TESTING else BASE_DIR / "media"),
    )
)
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

# Easy read read aloud (coplan/easyread/audio.py): espeak-ng, installed by `make
# browser-deps`; spoken lines are cached here by the hash of their words.
ESPEAK_NG = env_str("ESPEAK_NG", "/usr/bin/espeak-ng")
EASYREAD_AUDIO_DIR = Path(env_str("EASYREAD_AUDIO_DIR", str(BASE_DIR / "var" / "easyread-audio")))

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
NINJA_PAGINATION_PER_PAGE = 50
