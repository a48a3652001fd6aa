"""Settings for every environment; production values come from the environment only."""

from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from portal.env import env_bool, env_float, env_int, env_list, env_str
from portal.languages import LANGUAGE_CODES, LANGUAGES, install_language_info

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("PORTAL_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
    SECRET_KEY = "dev-only-" + "x" * 50  # noqa: S105 (DEBUG only; production must set one)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # modeltranslation must come before the admin to patch its forms.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # allauth's pages listing security keys and sessions load its template filters.
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    # Only its inbound webhook (replies by email); emails go out through MAILERS.
    "anymail",
    "portal",
    "accounts",
    "schools",
    "families",
    "committees",
    "events",
    "signups",
    "conversations",
    "messaging",
    "reports",
]

MIDDLEWARE = [
    # First: every request gets its id and its log line (portal.logs), and the load
    # balancer's /healthz and /readyz are answered before the host check and the https
    # redirect (portal.health).
    "portal.logs.request_log",
    "portal.health.health_checks",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the user read in the session's own statement (portal.signed_in).
    "portal.signed_in.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    # The staff rules need request.user, so they come after authentication; the second
    # factor is enforced before any view, the admin's included, can run.
    "portal.middleware.staff_sessions_expire_sooner",
    "portal.middleware.staff_second_factor",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.middleware.private_pages_not_cached",
    "portal.middleware.remember_language",
    # Last, so their process_exception sees what a view raised first: a lock held too long
    # becomes a "busy" page (503), a rate limit a 429 page, never a 500.
    "events.middleware.EventBusyMiddleware",
    "portal.middleware.RateLimitsAnswer429",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.language",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", "")
if not DATABASE_URL:
    # The embedded default: a SQLite file in the project, so `make run` needs no server.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# Report pages may read from a streaming replica of the same database (reports/replica.py);
# everything else, and every write, stays on DATABASE_URL.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = 2
    # Django's test runner must not create a database on the replica: it follows the primary.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["reports.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "portal.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "families:home"
ACCOUNT_ADAPTER = "families.adapter.FamilyAccountAdapter"
ACCOUNT_FORMS = {
    "signup": "families.forms.SignupForm",
    "request_login_code": "accounts.forms.RequestLoginCodeForm",
    "confirm_login_code": "accounts.forms.ConfirmLoginCodeForm",
    "verify_phone": "accounts.forms.VerifyPhoneForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# Passwordless first: families sign up and log in with a phone or an email and a code.
ACCOUNT_LOGIN_METHODS = {"phone", "email"}
ACCOUNT_SIGNUP_FIELDS = ["phone", "email", "password1"]  # a password is optional
# allauth wants one of the login methods required at signup; ours requires one of the two,
# whichever the family has (families.forms.SignupForm.clean).
SILENCED_SYSTEM_CHECKS = ["account.W001"]
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# Three wrong tries end the code: three guesses in a million per code, and the daily caps
# (accounts.limits) bound how many codes a guesser can get (RELIABILITY B1).
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
# An email-only family is logged in at once and asked to confirm the address by code;
# login codes by email then go only to the person who holds that inbox.
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
ACCOUNT_PREVENT_ENUMERATION = True
# No "you have no account" mail for a login code or reset asked for an unknown address: it
# would reach whoever's address was typed (B4).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# An email-only family confirms the address by its link before the account opens
# (accounts.stages); opened in the same browser, the link also logs the family in.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Changing a phone or an email asks who you are again unless the login is under five
# minutes old: a phone left unlocked must not let someone move the account to their number
# (RELIABILITY B8, accounts.views.recent_login_required).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_UNIQUE_EMAIL = True
# One-time codes live minutes, never more than ten (RELIABILITY B1, B5).
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 180
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT = 600
ACCOUNT_PHONE_VERIFICATION_TIMEOUT = 600
ACCOUNT_PASSWORD_RESET_BY_CODE_TIMEOUT = 600
# Six digits: easy to type on any phone's keypad, whatever the parent's script.
ALLAUTH_USER_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
PHONE_DEFAULT_REGION = env_str("PHONE_DEFAULT_REGION", "US")

# SMS (login codes now; reminders later): console in development, file in the demo.
SMS_BACKEND = env_str(
    "SMS_BACKEND",
    "messaging.sms.ConsoleBackend" if DEBUG else "messaging.sms.FileBackend",
)
SMS_FILE_PATH = env_str("SMS_FILE_PATH", str(VAR_DIR / "sms" / "outbox.jsonl"))
SMS_FILE_DELAY_MS = env_int("SMS_FILE_DELAY_MS", 0)
# Production SMS and calls: SMS_BACKEND=messaging.twilio_backends.TwilioSmsBackend and
# VOICE_BACKEND=messaging.twilio_backends.TwilioVoiceBackend with these.
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN", "")
TWILIO_FROM_NUMBER = env_str("TWILIO_FROM_NUMBER", "")
TWILIO_API_BASE_URL = env_str("TWILIO_API_BASE_URL", "")
SMS_MAX_PER_NUMBER_PER_DAY = env_int("SMS_MAX_PER_NUMBER_PER_DAY", 10)
SMS_MAX_PER_IP_PER_HOUR = env_int("SMS_MAX_PER_IP_PER_HOUR", 30)
# Messages to schools (families.views.feedback) an hour per address, or per family when
# logged in. Above one family's need; mobile carriers put many phones behind one address.
FEEDBACK_MAX_PER_HOUR = env_int("FEEDBACK_MAX_PER_HOUR", 10)
# Wrong login codes a number (or an address) may try in a day; then code login pauses until
# the next day and the family is told once (RELIABILITY B1).
LOGIN_CODE_MAX_WRONG_PER_NUMBER = env_int("LOGIN_CODE_MAX_WRONG_PER_NUMBER", 10)
LOGIN_CODE_MAX_WRONG_PER_IP = env_int("LOGIN_CODE_MAX_WRONG_PER_IP", 30)
# Texts and calls go only to mobile numbers of these countries (region codes: US,PR,MX).
SMS_ALLOWED_COUNTRIES = [code.upper() for code in env_list("SMS_ALLOWED_COUNTRIES", ["US"])]
# Texts and calls a day, counted together (messaging.budget): past the budget, codes to
# numbers not yet confirmed stop; past the hard limit, all but reminders, event changes
# and security notices.
SMS_DAILY_BUDGET = env_int("SMS_DAILY_BUDGET", 5000)
SMS_DAILY_HARD_LIMIT = env_int("SMS_DAILY_HARD_LIMIT", 2 * SMS_DAILY_BUDGET)

# Families inactive this long are warned twice, then anonymised (families.tasks).
FAMILY_RETENTION_DAYS = env_int("FAMILY_RETENTION_DAYS", 548)
# An event's answers lose their free text, and its messages go, this long after it ended
# (events.tasks.purge_past_events).
EVENT_RETENTION_DAYS = env_int("EVENT_RETENTION_DAYS", 180)
# Messages between families and schools (and interpreter call requests) go this long after
# they were written (conversations.tasks.purge_old_messages).
CONVERSATION_RETENTION_DAYS = env_int("CONVERSATION_RETENTION_DAYS", 365)

# Reports hide counts below this (and enough others that none can be worked out).
REPORTS_MIN_COUNT = env_int("REPORTS_MIN_COUNT", 10)
# Suppressed report figures are kept this long for every page and CSV of a period and scope
# (reports.report.shared); only with Redis, so every worker reads the same snapshot.
REPORTS_CACHE_SECONDS = env_int("REPORTS_CACHE_SECONDS", 300 if REDIS_URL else 0)
# Beat keeps built, beside each district's default view, the views (another period, one
# school) its readers looked at in the last REPORTS_WARM_RECENT_SECONDS: at most
# REPORTS_WARM_MOST of them per district, the most recently read (reports.tasks).
REPORTS_WARM_RECENT_SECONDS = env_int("REPORTS_WARM_RECENT_SECONDS", 12 * 3600)
REPORTS_WARM_MOST = env_int("REPORTS_WARM_MOST", 10)

# Languages: 15 of them, in the URL, remembered in a cookie.
install_language_info()
LANGUAGE_CODE = "en"
LANGUAGES = LANGUAGES
# locale_django/ carries the Django messages families meet (form errors, dates) for the one
# language Django ships no catalog for (Filipino).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_django"]
# Every date names its month, in the way the language writes it (portal/formats/).
FORMAT_MODULE_PATH = ["portal.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "America/New_York")
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = tuple(LANGUAGE_CODES)
# How often each process counts again how many families use each language (the order of the
# language picker and lists, portal.languages.language_order).
LANGUAGE_ORDER_SECONDS = env_int("LANGUAGE_ORDER_SECONDS", 3600)
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# Translation registrations outside an app's own translation.py (a subpackage's models).
MODELTRANSLATION_TRANSLATION_FILES = ("signups.volunteering.translation",)
# Machine translation of messages between families and staff (messaging/translation.py):
# "none" sends no text anywhere.
TRANSLATION_BACKEND = env_str("TRANSLATION_BACKEND", "none")
# The longest one translation may wait for the provider (seconds); then it counts as failed
# and the caller shows the original and tries again later.
TRANSLATION_TIMEOUT_SECONDS = env_float("TRANSLATION_TIMEOUT_SECONDS", 5.0)
# "libretranslate": a LibreTranslate server (often the district's own); key if it asks one.
LIBRETRANSLATE_URL = env_str("LIBRETRANSLATE_URL", "")
LIBRETRANSLATE_API_KEY = env_str("LIBRETRANSLATE_API_KEY", "")
# "deepl": DeepL's API. DEEPL_SERVER_URL empty lets the SDK choose (free keys end in ":fx").
# Albanian, Bangla, Filipino, Haitian Creole, Urdu and Uzbek are beta languages at DeepL:
# they are translated only with DEEPL_BETA_LANGUAGES=1.
DEEPL_AUTH_KEY = env_str("DEEPL_AUTH_KEY", "")
DEEPL_SERVER_URL = env_str("DEEPL_SERVER_URL", "")
DEEPL_BETA_LANGUAGES = env_bool("DEEPL_BETA_LANGUAGES", False)
# "google": Google Cloud Translation (the v2 REST API) with an API key.
GOOGLE_TRANSLATE_API_KEY = env_str("GOOGLE_TRANSLATE_API_KEY", "")
GOOGLE_TRANSLATE_API_ENDPOINT = env_str("GOOGLE_TRANSLATE_API_ENDPOINT", "")

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Audio files of guide sections; a larger upload is refused with a message, not a 500.
MAX_AUDIO_BYTES = env_int("MAX_AUDIO_BYTES", 20 * 1024 * 1024)
# Uploads are made into Opus while staff wait, up to this long (a spoken 10 minutes takes
# about 5 s); a longer one is stored as uploaded and made light by the
# schools-prepare-recordings task within the next PREPARE_RECORDINGS_EVERY_SECONDS.
AUDIO_TRANSCODE_SECONDS = env_int("AUDIO_TRANSCODE_SECONDS", 20)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 12 * 1024 * 1024)

# Email (Django 6.1 mailers). Production: SMTP, or any backend through EMAIL_BACKEND.
EMAIL_BACKEND_PATH = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": EMAIL_BACKEND_PATH,
        "OPTIONS": {
            "host": env_str("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 25),
            "username": env_str("EMAIL_HOST_USER", ""),
            "password": env_str("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
        }
        if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend")
        else {},
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "portal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Replies to the school's emails (messaging/email_replies.py): with a domain whose mail
# Mailgun receives, every email to a family carries Reply-To: reply+<signed ids>@<domain>,
# and Mailgun's inbound route posts the reply to /messaging/email/inbound/, signed with the
# key (checked by django-anymail). Empty: no Reply-To, and the webhook answers 404.
INBOUND_EMAIL_DOMAIN = env_str("INBOUND_EMAIL_DOMAIN", "")
MAILGUN_WEBHOOK_SIGNING_KEY = env_str("MAILGUN_WEBHOOK_SIGNING_KEY", "")
ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_WEBHOOK_SIGNING_KEY}

# Security headers (RELIABILITY A2, A3). Plain http only when DEBUG is on.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if not ALLAUTH_TRUSTED_PROXY_COUNT:
        # Behind the proxy every request comes from the proxy's address: without the count,
        # all families would share one rate-limit bucket and one attacker would lock them
        # all out (RELIABILITY B3).
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "BEHIND_TLS_PROXY needs TRUSTED_PROXY_COUNT: the number of proxies in front of "
            "the portal that add to X-Forwarded-For (usually 1)."
        )
SECURE_HSTS_SECONDS = 0 if DEBUG else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
# The __Host- prefix pins cookies to this host over https; browsers drop it on plain http.
SESSION_COOKIE_NAME = "sessionid" if DEBUG else "__Host-sessionid"
CSRF_COOKIE_NAME = "csrftoken" if DEBUG else "__Host-csrftoken"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Sessions: families stay logged in for 30 days on their own phone; the admin, used on
# shared computers, asks again after 12 idle hours (accounts.middleware).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 24 * 3600)
# With Redis, a signed-in page reads its session from the cache (written through to the
# database, so a Redis restart logs no one out: portal.sessions); without it (make run),
# from the database.
SESSION_ENGINE = "portal.sessions" if REDIS_URL else "django.contrib.sessions.backends.db"
# How long Redis keeps a copy of a session before reading it from the database again.
SESSION_CACHE_SECONDS = env_int("SESSION_CACHE_SECONDS", 600)
STAFF_SESSION_IDLE_SECONDS = env_int("STAFF_SESSION_IDLE_SECONDS", 12 * 3600)
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "media-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Celery: Redis when REDIS_URL is set; otherwise a broker that needs no server, so the demo
# runs reminders on a fresh machine.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if REDIS_URL:
    # A task taken by a worker that died comes back after this long (the outbox's claim
    # keeps it from being sent twice).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
    }
if not REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "broker"),
        "data_folder_out": str(VAR_DIR / "broker"),
        "processed_folder": str(VAR_DIR / "broker-done"),
        "store_processed": False,
        # Else kombu writes its exchange tables to ./control, in the checkout.
        "control_folder": str(VAR_DIR / "broker-control"),
    }
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A send stuck on the provider is killed after two minutes, well inside the outbox's lease
# (MESSAGING_LEASE_SECONDS, 600): a message turns "unknown" only once its task is surely over.
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
# One task reserved at a time: a killed worker holds back as few messages as possible, and
# the per-channel rate limits are not defeated by tasks queued inside one process.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE

# One JSON line per record on standard error, with the request id (portal.logs): one line
# per request and per task, phones and emails scrubbed.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "portal.logs.JsonFormatter"}},
    # Django's lines name the request's path, which can hold a family's private token.
    "filters": {"hide_paths": {"()": "portal.logs.HidePaths"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["hide_paths"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers would print its records a second time, not as JSON.
        "django": {"handlers": [], "level": "INFO"},
        # On the loggers too, so Sentry's breadcrumbs (taken before any handler) see the
        # route name instead of the path.
        "django.request": {"filters": ["hide_paths"]},
        "django.security.csrf": {"filters": ["hide_paths"]},
        # runserver's own line per request carries the query string (a phone can be in
        # it); portal.requests logs the request instead.
        "django.server": {"handlers": [], "level": "WARNING", "filters": ["hide_paths"]},
    },
}
# Celery workers and beat keep this logging, so their lines are JSON too.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# /readyz?all=1 fails when a message has waited this long past its due time (portal.health).
HEALTH_OUTBOX_MAX_AGE_SECONDS = env_int("HEALTH_OUTBOX_MAX_AGE_SECONDS", 600)

# Family pages must stay light on a cheap phone (HTML ≤ 14 KB gzip).
PAGE_HTML_BUDGET_GZIP = 14 * 1024
PAGE_CSS_BUDGET_GZIP = 10 * 1024
# Public pages for visitors without a login are served from the cache (portal.page_cache).
# Only with Redis: a per-process cache would keep showing a page another process changed.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 120 if REDIS_URL else 0)
# Plain language: a section above this reading grade gets a warning in the admin.
READING_GRADE_WARNING = 8
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"

# The outbox (messaging.tasks).
VOICE_BACKEND = env_str(
    "VOICE_BACKEND",
    "messaging.sms.ConsoleVoiceBackend" if DEBUG else "messaging.sms.FileVoiceBackend",
)
VOICE_FILE_PATH = env_str("VOICE_FILE_PATH", str(VAR_DIR / "sms" / "calls.jsonl"))
MESSAGING_BATCH_SIZE = env_int("MESSAGING_BATCH_SIZE", 500)
# Messages per send task: claimed together, sent over one connection, recorded together.
MESSAGING_SEND_BATCH = env_int("MESSAGING_SEND_BATCH", 100)
# Messages handed to send tasks not yet started, at most: the dispatcher tops up to this.
MESSAGING_MAX_IN_FLIGHT = env_int("MESSAGING_MAX_IN_FLIGHT", 1000)
MESSAGING_LEASE_SECONDS = env_int("MESSAGING_LEASE_SECONDS", 600)
MESSAGING_REDISPATCH_SECONDS = env_int("MESSAGING_REDISPATCH_SECONDS", 300)
MESSAGING_MAX_ATTEMPTS = env_int("MESSAGING_MAX_ATTEMPTS", 5)
MESSAGING_DAILY_LIMIT = env_int("MESSAGING_DAILY_LIMIT", 3)  # messages that can wait, per family
MESSAGING_BACKOFF_SECONDS = env_int("MESSAGING_BACKOFF_SECONDS", 30)
# The pace of each channel across all workers ("10/s", "100/m"; empty: no limit): send
# tasks wait inside their batch, counted in the cache (Redis), so every worker shares it.
MESSAGING_RATE_LIMITS = {
    "sms": env_str("MESSAGING_SMS_RATE", "10/s") or None,
    "voice": env_str("MESSAGING_VOICE_RATE", "1/s") or None,
    "email": env_str("MESSAGING_EMAIL_RATE", "20/s") or None,
}
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000")  # links in messages
# No texts or calls from 21:00 to 08:00, the family's time. "off": none (the benchmarks run
# at any hour of the night; a real district keeps them).
_quiet = (env_str("MESSAGING_QUIET_HOURS", "21-8") or "off").strip()
QUIET_HOURS = None if _quiet == "off" else tuple(int(hour) for hour in _quiet.split("-", 1))
REMINDER_OFFSETS_MINUTES = [2 * 24 * 60, 3 * 60]

CELERY_BEAT_SCHEDULE = {
    "messaging-dispatch": {
        "task": "messaging.tasks.dispatch_due",
        "schedule": env_int("MESSAGING_DISPATCH_EVERY_SECONDS", 60),
    },
    "families-retention": {
        "task": "families.tasks.apply_retention",
        "schedule": 24 * 3600,
    },
    "events-retention": {
        "task": "events.tasks.purge_past_events",
        "schedule": 24 * 3600,
    },
    "conversations-scheduled-announcements": {
        "task": "conversations.announcements.tasks.send_due_announcements",
        "schedule": 60,
    },
    "conversations-retry-translations": {
        "task": "conversations.tasks.retry_translations",
        "schedule": env_int("TRANSLATION_RETRY_EVERY_SECONDS", 600),
    },
    "conversations-retention": {
        "task": "conversations.tasks.purge_old_messages",
        "schedule": 24 * 3600,
    },
    # Before the snapshot district readers share ends (REPORTS_CACHE_SECONDS), a new one.
    "reports-warm-snapshots": {
        "task": "reports.tasks.warm_snapshots",
        "schedule": env_int(
            "REPORTS_WARM_EVERY_SECONDS", max(60, REPORTS_CACHE_SECONDS * 4 // 5 or 240)
        ),
    },
    "schools-prepare-recordings": {
        "task": "schools.tasks.prepare_recordings",
        "schedule": env_int("PREPARE_RECORDINGS_EVERY_SECONDS", 600),
    },
}

# How long a request waits for an event's lock (another answer, the door, a staff edit)
# before it answers "busy, please try again" (RELIABILITY D3); 0 waits without limit.
LOCK_TIMEOUT_MS = env_int("LOCK_TIMEOUT_MS", 3000)

# Staff and superusers log in with a second factor (RELIABILITY B10): allauth MFA, an
# authenticator app's code (with recovery codes) or a security key; families never.
# Only a DEBUG run can turn the requirement off (make run keeps it on: seed_demo prints
# each demo staff account's authenticator secret).
STAFF_MFA_REQUIRED = env_bool("STAFF_MFA_REQUIRED", True) or not DEBUG
MFA_ADAPTER = "families.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# The code of the 30 seconds before or after also works: phone clocks drift, and a code
# typed as it changes should not fail.
MFA_TOTP_TOLERANCE = 1
# Security keys need https, except on the developer's own machine.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG

# Optional error reports (portal.sentry): no personal data, phones and emails scrubbed.
SENTRY_DSN = env_str("SENTRY_DSN", "")
if SENTRY_DSN:
    from portal.sentry import setup as setup_sentry

    setup_sentry(SENTRY_DSN, environment=env_str("SENTRY_ENVIRONMENT", "production"))
