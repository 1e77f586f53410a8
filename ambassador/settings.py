"""Ambassador settings: one file, every difference an environment variable.

With ``DEBUG=true`` and nothing else set, the app runs on the embedded default (SQLite,
a filesystem Celery broker, a file cache). With ``DEBUG`` off, the production settings
(``SECRET_KEY``, ``DATABASE_URL``, ``REDIS_URL``, ``ALLOWED_HOSTS``) are required and a
missing one stops start-up with a message naming it.
"""

import base64
import hashlib
import ipaddress
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

env = environ.Env()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)


def _required(name: str) -> str:
    """Read a setting that production cannot run without."""
    value = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(
            f"The environment variable {name} is required when DEBUG is off."
        )
    return value


if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-dev-key-only-for-debug")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
else:
    SECRET_KEY = _required("SECRET_KEY")
    _required("DATABASE_URL")
    _required("REDIS_URL")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "The environment variable ALLOWED_HOSTS is required when DEBUG is off."
        )

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Tracked links may be served from a short vanity domain; defaults to this site.
SHORT_LINK_BASE_URL = env.str("SHORT_LINK_BASE_URL", default=SITE_URL).rstrip("/")

INSTALLED_APPS = [
    # Before the admin: it registers the translated fields (each app's translation.py).
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "django_htmx",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "ambassador",
    "accounts",
    "posts",
    "training",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # /r/<code> is answered here, before sessions, CSRF, locale and the rest.
    "posts.middleware.TrackedLinkMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.AccessMiddleware",
    "accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
]

ROOT_URLCONF = "ambassador.urls"
WSGI_APPLICATION = "ambassador.wsgi.application"

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
                "accounts.context_processors.roles",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Data stores -------------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'ambassador.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="amb"),
        }
    }
else:
    # The embedded default shares one on-disk cache between web, worker and beat.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Authentication (django-allauth) --------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SITE_ID = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_REAUTHENTICATION_TIMEOUT = env.int("REAUTHENTICATION_TIMEOUT", default=300)
# Email changes and social-account connections ask for the password again, so a session
# left open cannot take the account over; allauth's MFA pages always do.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# How many proxies in front of the app append to X-Forwarded-For. 0: the client address is
# REMOTE_ADDR and the header is ignored (a client could write anything there). Everything that
# needs the client's address (login rate limits, tracked-link guess limits, visitor hashes)
# derives it from this one number.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("The environment variable TRUSTED_PROXY_COUNT must be 0 or more.")
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
ACCOUNT_RATE_LIMITS = {
    # Per IP and per account; the IP is the one TRUSTED_PROXY_COUNT selects.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REAUTHENTICATION_REQUIRED = True

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_TOTP_ISSUER = "Ambassador"
# Managers and admins must enable MFA before manager or admin pages open.
REQUIRE_STAFF_MFA = env.bool("REQUIRE_STAFF_MFA", default=True)

# Activity tracking would write the session row (and its client address) on every request,
# including tracked-link redirects; the address is masked anyway (accounts/signals.py).
USERSESSIONS_TRACK_ACTIVITY = False

# --- Internationalisation ------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nb", _("Norwegian Bokmål"))]
# Translated content (django-modeltranslation): one column per language above, added by a
# migration. Readers get their language, else the default language, else any with text.
MODELTRANSLATION_DEFAULT_LANGUAGE = LANGUAGE_CODE
MODELTRANSLATION_FALLBACK_LANGUAGES = tuple(
    dict.fromkeys([LANGUAGE_CODE, *(code for code, _name in LANGUAGES)])
)
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Serve MEDIA_URL from MEDIA_ROOT through Django (ambassador.views.media) with DEBUG off, for
# a deployment without a web server or object store in front of /media/.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=False)
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

# --- Email ---------------------------------------------------------------------------------

# EMAIL_URL in django-environ's syntax: smtp://host:25, smtp+tls://user:password@host:587,
# smtp+ssl://…:465, consolemail://, filemail:////absolute/dir, memorymail://, with an
# optional ?timeout=<seconds>. Without it, the separate EMAIL_* variables below are read
# (console email with DEBUG, SMTP otherwise).
if env.str("EMAIL_URL", default=""):
    _email = env.email_url("EMAIL_URL")
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
    EMAIL_PORT = _email["EMAIL_PORT"] or 25
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
    EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS", False))
    EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL", False))
    EMAIL_TIMEOUT = _email.get("OPTIONS", {}).get("TIMEOUT", 30)
    if _email["EMAIL_FILE_PATH"]:
        EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"]
else:
    EMAIL_BACKEND = env.str(
        "EMAIL_BACKEND",
        default="django.core.mail.backends.console.EmailBackend"
        if DEBUG
        else "django.core.mail.backends.smtp.EmailBackend",
    )
    EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
    # A mail server that stops answering must not hold a worker for ever.
    EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Ambassador <ambassador@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security ------------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", "https:"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Networks the SSRF-safe fetcher lets through despite its deny list (comma-separated CIDRs),
# so local fake servers work with `make run` and in tests. Honoured only with DEBUG: a
# production server must never fetch from inside its own network (ambassador.checks warns
# when it is set with DEBUG off).
FETCH_ALLOWED_NETWORKS: list[str] = []
if DEBUG:
    for _network in env.list("FETCH_ALLOWED_NETWORKS", default=[]):
        if not _network.strip():
            continue
        try:
            FETCH_ALLOWED_NETWORKS.append(str(ipaddress.ip_network(_network.strip())))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"FETCH_ALLOWED_NETWORKS: {_network.strip()!r} is not a network such as 127.0.0.1/32."
            ) from exc

# Secrets at rest (tokens, app secrets, webhook URLs; ambassador/encryption.py):
# comma-separated Fernet keys, newest first; rotatable.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
if DEBUG and not FIELD_ENCRYPTION_KEYS:
    # Development and tests only, and the one place such a key is made: derived from
    # SECRET_KEY. With DEBUG off, storing a secret without keys stops with an error naming
    # the variable.
    FIELD_ENCRYPTION_KEYS = [
        base64.urlsafe_b64encode(hashlib.sha256(SECRET_KEY.encode()).digest()).decode()
    ]

# --- Celery --------------------------------------------------------------------------------

if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Longer than any task's time limit plus any countdown we use.
        "visibility_timeout": 3600,
    }
else:
    # Embedded default: a broker that needs no server, shared through the file system.
    CELERY_BROKER_URL = "filesystem://"
    _broker_dir = VAR_DIR / "celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # Exchange bindings; kombu would otherwise create ./control in the working directory.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
_metrics_rollup_interval = env.int("METRICS_ROLLUP_INTERVAL_SECONDS", default=300)
# The publish and collect ticks: one minute; tests with a real beat make them seconds.
_publish_tick = env.float("PUBLISH_TICK_SECONDS", default=60.0)
_collect_tick = env.float("COLLECT_TICK_SECONDS", default=60.0)
# The whole beat schedule. Every entry: what it does, and an ``expires`` so a backlog after an
# outage never runs stale work.
CELERY_BEAT_SCHEDULE: dict = {
    # Keeps the heartbeat row fresh so /healthz can tell that beat and a worker are alive.
    "ambassador-heartbeat": {
        "task": "ambassador.heartbeat",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 50},
    },
    # Approved items past their expire-at are archived (conditional UPDATE per item).
    "posts-archive-expired-content": {
        "task": "posts.archive_expired_content",
        "schedule": timedelta(minutes=5),
        "options": {"expires": 240},
    },
    # Each due RSS/Atom feed gets its own fetch task; failing feeds back off.
    "posts-fetch-due-feeds": {
        "task": "posts.fetch_due_feeds",
        "schedule": timedelta(minutes=10),
        "options": {"expires": 540},
    },
    # Moves buffered clicks from Redis into PostgreSQL. Without Redis clicks are written
    # directly, so there is nothing to flush.
    **(
        {
            "posts-flush-clicks": {
                "task": "posts.flush_clicks",
                "schedule": timedelta(
                    seconds=env.float("CLICK_FLUSH_INTERVAL_SECONDS", default=2.0)
                ),
                "options": {"expires": 10},
            }
        }
        if REDIS_URL
        else {}
    ),
    # Deletes yesterday's visitor-hash salt so old visits can never be linked again.
    "posts-rotate-click-salts": {
        "task": "posts.rotate_click_salts",
        "schedule": timedelta(hours=1),
        "options": {"expires": 3000},
    },
    # Deletes raw click events older than CLICK_RETENTION_DAYS; daily totals stay.
    "posts-purge-clicks": {
        "task": "posts.purge_clicks",
        "schedule": timedelta(hours=6),
        "options": {"expires": 3600},
    },
    # Scheduled posts: due rows claimed with a conditional UPDATE, each published once. A
    # tick that waited past its interval is dropped: the next one finds the same rows.
    "posts-publish-due-shares": {
        "task": "posts.publish_due_shares",
        "schedule": timedelta(seconds=_publish_tick),
        "options": {"expires": max(1.0, _publish_tick * 0.8)},
    },
    # Engagement of posted shares: due rows claimed and read in batches.
    "posts-collect-engagement": {
        "task": "posts.collect_engagement",
        "schedule": timedelta(seconds=_collect_tick),
        "options": {"expires": max(1.0, _collect_tick * 0.8)},
    },
    # Brings the reach-metrics rollups up to date with new shares, click totals and
    # engagement readings (only what changed since the last run).
    "posts-rollup-metrics": {
        "task": "posts.rollup_metrics",
        "schedule": timedelta(seconds=_metrics_rollup_interval),
        "options": {"expires": max(30, int(_metrics_rollup_interval * 0.8))},
    },
    # Follower counts of connected accounts: each connection claimed once a day.
    "accounts-read-due-followers": {
        "task": "accounts.read_due_followers",
        "schedule": timedelta(hours=1),
        "options": {"expires": 3000},
    },
    # Creates the reminders due now (digests, training, guidelines, nudges, featured items,
    # team summaries) as rows unique per period, and hands due emails and webhook messages
    # to workers. Rows are the truth: a skipped or doubled tick sends nothing twice.
    "accounts-notifications-tick": {
        "task": "accounts.notifications_tick",
        "schedule": timedelta(seconds=env.float("NOTIFICATIONS_TICK_SECONDS", default=60.0)),
        "options": {"expires": 50},
    },
}
# A notification row handed to a worker but never claimed (a flushed broker) is handed over
# again after this long; a claim older than the timeout belongs to a dead worker and is given
# back.
NOTIFICATIONS_REQUEUE_SECONDS = env.int("NOTIFICATIONS_REQUEUE_SECONDS", default=600)
NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS = env.int("NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS", default=900)
# Sent emails of a batch are recorded every this many messages, so a worker killed mid-batch
# sends at most these again.
NOTIFICATIONS_EMAIL_CHECKPOINT = env.int("NOTIFICATIONS_EMAIL_CHECKPOINT", default=50)
# How long the "Share" link in a digest works.
DIGEST_SHARE_LINK_MAX_AGE_DAYS = env.int("DIGEST_SHARE_LINK_MAX_AGE_DAYS", default=14)

# --- Logging -------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Request logs would carry client addresses; we never log those.
        "django.server": {"level": "WARNING"},
    },
}

# --- Demo ----------------------------------------------------------------------------------

DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="ambassador-demo")

# --- Sharing: tracked links and click counting -------------------------------------------

# How long a resolved tracked link (code -> share, destination) stays in the cache.
TRACKED_LINK_CACHE_SECONDS = env.int("TRACKED_LINK_CACHE_SECONDS", default=3600)
TRACKED_LINK_KEY_PREFIX = env.str("TRACKED_LINK_KEY_PREFIX", default="amb:tl:")
# Links each web process remembers (posts.tracked_links.memo), so a busy link costs no round
# trip; 0 switches it off. A changed destination reaches every process within the check.
TRACKED_LINK_MEMO_SIZE = env.int("TRACKED_LINK_MEMO_SIZE", default=50_000)
TRACKED_LINK_MEMO_CHECK_SECONDS = env.float("TRACKED_LINK_MEMO_CHECK_SECONDS", default=1.0)
# The WSGI callable that answers /r/<code> in front of Django (ambassador/wsgi.py): no
# request object, no middleware; anything it cannot answer exactly as the Django view would
# goes on to Django. Empty: Django answers every tracked link (posts.middleware).
TRACKED_LINK_WSGI_APP = env.str(
    "TRACKED_LINK_WSGI_APP", default="posts.tracked_links.wsgi.TrackedLinkApplication"
)
# The signed cookie naming a signed-in person (accounts.identity_cookie), so the tracked link
# knows the sharer's own click without reading the session.
TRACKED_LINK_IDENTITY_COOKIE_NAME = "ambassador_person"
# Unknown codes from one address: this many 404s per window, then 429.
TRACKED_LINK_GUESS_LIMIT = env.int("TRACKED_LINK_GUESS_LIMIT", default=20)
TRACKED_LINK_GUESS_WINDOW_SECONDS = env.int("TRACKED_LINK_GUESS_WINDOW_SECONDS", default=600)
# Raw click events are purged after this many days; daily per-share totals are kept.
CLICK_RETENTION_DAYS = env.int("CLICK_RETENTION_DAYS", default=400)
# The Redis stream that buffers clicks, and its consumer group.
CLICK_STREAM_KEY = env.str("CLICK_STREAM_KEY", default="amb:clicks")
CLICK_STREAM_GROUP = "flush"
CLICK_BUFFER_TIMEOUT_SECONDS = env.float("CLICK_BUFFER_TIMEOUT_SECONDS", default=0.5)
# Each web process sends the clicks of remembered links to the stream in one batch every
# this many milliseconds (posts.tracked_links.writer); 0: each click as it comes.
CLICK_WRITE_WINDOW_MS = env.int("CLICK_WRITE_WINDOW_MS", default=20)
CLICK_FLUSH_BATCH_SIZE = env.int("CLICK_FLUSH_BATCH_SIZE", default=2000)
# One flush task keeps taking batches for at most this long.
CLICK_FLUSH_MAX_SECONDS = env.float("CLICK_FLUSH_MAX_SECONDS", default=20.0)
# Events claimed but not acknowledged for this long (a killed flush) are claimed again.
CLICK_RECLAIM_IDLE_MS = env.int("CLICK_RECLAIM_IDLE_MS", default=60000)
# PostgreSQL advisory lock id serialising the recomputation of daily click totals.
CLICK_TOTALS_LOCK_ID = 4_242_001

# --- Connected accounts and publishing -----------------------------------------------------

# Where each network's API answers. Only tests and FAKE_NETWORKS (make run) change these.
BLUESKY_DEFAULT_SERVICE = env.str("BLUESKY_DEFAULT_SERVICE", default="https://bsky.social")
BLUESKY_PLC_DIRECTORY = env.str("BLUESKY_PLC_DIRECTORY", default="https://plc.directory")
BLUESKY_PUBLIC_API_URL = env.str("BLUESKY_PUBLIC_API_URL", default="https://public.api.bsky.app")
LINKEDIN_OAUTH_URL = env.str("LINKEDIN_OAUTH_URL", default="https://www.linkedin.com")
LINKEDIN_API_URL = env.str("LINKEDIN_API_URL", default="https://api.linkedin.com")
# LinkedIn serves each monthly API version for about a year: YYYYMM.
LINKEDIN_API_VERSION = env.str("LINKEDIN_API_VERSION", default="")
X_AUTHORIZE_URL = env.str("X_AUTHORIZE_URL", default="https://x.com")
X_API_URL = env.str("X_API_URL", default="https://api.x.com")
# make run: the fake networks of tests/fakes on this machine stand in for the real ones,
# started by scripts/run-embedded as `python -m tests.fakes --port-base <base>`: Mastodon,
# Bluesky, LinkedIn and X on four ports from the base, in that order.
FAKE_NETWORKS = DEBUG and env.bool("FAKE_NETWORKS", default=False)
FAKE_NETWORKS_PORT_BASE = env.int("FAKE_NETWORKS_PORT_BASE", default=8701)
FAKE_MASTODON_URL = ""
if FAKE_NETWORKS:
    FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    _fake = "http://127.0.0.1:{}".format
    FAKE_MASTODON_URL = _fake(FAKE_NETWORKS_PORT_BASE)
    BLUESKY_DEFAULT_SERVICE = BLUESKY_PLC_DIRECTORY = BLUESKY_PUBLIC_API_URL = _fake(
        FAKE_NETWORKS_PORT_BASE + 1
    )
    LINKEDIN_OAUTH_URL = LINKEDIN_API_URL = _fake(FAKE_NETWORKS_PORT_BASE + 2)
    X_AUTHORIZE_URL = X_API_URL = _fake(FAKE_NETWORKS_PORT_BASE + 3)
    # Connecting posts a form that the app answers with a redirect to the network's authorize
    # page: the fakes are plain http on loopback, which the policy's "https:" does not cover.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] += [
        _fake(FAKE_NETWORKS_PORT_BASE + offset) for offset in range(4)
    ]

# --- Reach metrics -------------------------------------------------------------------------

# Teams with fewer active people than this are shown together with their parent team, and
# no figure is shown for a scope this small: no figure may point at one person.
METRICS_MIN_GROUP_SIZE = env.int("METRICS_MIN_GROUP_SIZE", default=5)
