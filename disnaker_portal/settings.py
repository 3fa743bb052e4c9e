"""Settings, read from the environment (django-environ).

With nothing set the portal runs on embedded defaults: DEBUG on, SQLite, Celery
tasks run eagerly, uploads in a local private folder. With DEBUG off, start-up
refuses every missing secret, one clear line each (see `.env.example`).
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(os.environ.get("ENV_FILE", str(BASE_DIR / ".env")), overwrite=False)


def _secret(name: str, default: str = "") -> str:
    """A secret from NAME, or from the file named by NAME_FILE (Docker secrets)."""
    file_name = env.str(f"{name}_FILE", default="")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return env.str(name, default=default)


DEBUG = env.bool("DEBUG", default=True)

_missing: list[str] = []


def _required(name: str, dev_default: str) -> str:
    value = _secret(name)
    if value:
        return value
    if DEBUG:
        return dev_default
    _missing.append(name)
    return ""


SECRET_KEY = _required("SECRET_KEY", "dev-only-insecure-key-never-used-in-production-0123456789")
# Key of the keyed hash (HMAC) of NIKs and of the audit chain.
AUDIT_HMAC_KEY = _required("AUDIT_HMAC_KEY", "dev-only-audit-key")
# The audit chain's head is appended here daily (outside the database), besides mail and the log.
AUDIT_HEAD_FILE = env.str("AUDIT_HEAD_FILE", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    if DEBUG:
        ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
    else:
        _missing.append("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Dukcapil NIK lookup (verifikasi) ---------------------------------------
DUKCAPIL_NIK_URL = env.str("DUKCAPIL_NIK_URL", default="")
DUKCAPIL_USER_ID = _secret("DUKCAPIL_USER_ID")
DUKCAPIL_PASSWORD = _secret("DUKCAPIL_PASSWORD")
DUKCAPIL_IP_USER = env.str("DUKCAPIL_IP_USER", default="")
if DUKCAPIL_NIK_URL and not DEBUG:
    # Once the gateway is connected, its credentials are required.
    for _name, _value in (
        ("DUKCAPIL_USER_ID", DUKCAPIL_USER_ID),
        ("DUKCAPIL_PASSWORD", DUKCAPIL_PASSWORD),
        ("DUKCAPIL_IP_USER", DUKCAPIL_IP_USER),
    ):
        if not _value:
            _missing.append(_name)
DUKCAPIL_TIMEOUT = env.float("DUKCAPIL_TIMEOUT", default=15.0)
DUKCAPIL_CA_BUNDLE = env.str("DUKCAPIL_CA_BUNDLE", default="") or None
DUKCAPIL_REQUEST_KEYS = {
    "nik": env.str("DUKCAPIL_KEY_NIK", default="nik"),
    "user_id": env.str("DUKCAPIL_KEY_USER_ID", default="user_id"),
    "password": env.str("DUKCAPIL_KEY_PASSWORD", default="password"),
    "ip_user": env.str("DUKCAPIL_KEY_IP_USER", default="ip_user"),
}
DUKCAPIL_DAILY_QUOTA = env.int("DUKCAPIL_DAILY_QUOTA", default=200)
if DUKCAPIL_DAILY_QUOTA < 0:
    raise ImproperlyConfigured("DUKCAPIL_DAILY_QUOTA harus 0 (tanpa batas) atau bilangan positif.")
DUKCAPIL_OPERATOR_DAILY_CAP = env.int("DUKCAPIL_OPERATOR_DAILY_CAP", default=0)
# Enumeration guard (Juknis II.E.1).
ENUM_GUARD_WINDOW_MINUTES = env.int("ENUM_GUARD_WINDOW_MINUTES", default=30)
ENUM_GUARD_NEAR_DISTANCE = env.int("ENUM_GUARD_NEAR_DISTANCE", default=20)
ENUM_GUARD_MIN_INTERVAL_SECONDS = env.int("ENUM_GUARD_MIN_INTERVAL_SECONDS", default=20)
ENUM_GUARD_REPEAT_MINUTES = env.int("ENUM_GUARD_REPEAT_MINUTES", default=10)
ENUM_GUARD_NEAR_DAYS = env.int("ENUM_GUARD_NEAR_DAYS", default=7)

# --- Counter work: applicant data and the AK/1 card (layanan) -----------------------
AK1_VALIDITY_DAYS = 730  # two years (Permenaker 39/2016): no applicant record may go before its card
# Applicant records (UU 27/2022) last used longer ago than this are removed or anonymised by pemohon_retensi.
APPLICANT_RETENTION_DAYS = env.int("APPLICANT_RETENTION_DAYS", default=1825)
if APPLICANT_RETENTION_DAYS < AK1_VALIDITY_DAYS:
    raise ImproperlyConfigured(f"APPLICANT_RETENTION_DAYS tidak boleh kurang dari masa berlaku kartu AK/1 "
                               f"({AK1_VALIDITY_DAYS} hari).")
# Return data: the param key each logical field is sent under, where Dukcapil's differ (balikan.services.FIELDS).
BALIKAN_PARAM_KEYS: dict[str, str] = env.dict("BALIKAN_PARAM_KEYS", default={})
# "portal": the number is minted here from AK1_NUMBER_FORMAT; "siapkerja": the officer types SIAPkerja's number.
AK1_SOURCE = env.str("AK1_SOURCE", default="portal")
if AK1_SOURCE not in ("portal", "siapkerja"):
    raise ImproperlyConfigured("AK1_SOURCE harus 'portal' atau 'siapkerja'.")
AK1_NUMBER_FORMAT = env.str("AK1_NUMBER_FORMAT", default="") or "3303-{tanggal:%Y%m%d}-{urut:05d}"  # empty: default
try:
    AK1_NUMBER_FORMAT.format(urut=1, tanggal=date(2026, 1, 1))
except (KeyError, IndexError, ValueError) as _exc:
    raise ImproperlyConfigured(
        f"AK1_NUMBER_FORMAT tidak dapat dipakai ({_exc}); isian yang dikenal: {{urut}}, {{tanggal}}.") from None
if "{urut" not in AK1_NUMBER_FORMAT:
    raise ImproperlyConfigured("AK1_NUMBER_FORMAT wajib memuat {urut} (nomor urut yang tidak pernah berulang).")
# Where the card's QR code points: the host that serves only /ak1/cek/ (see README).
AK1_CHECK_BASE_URL = env.str("AK1_CHECK_BASE_URL", default="") or "http://127.0.0.1:8000"
# Key of the QR tokens; empty: SECRET_KEY. Set it so that a public check host needs not the portal's SECRET_KEY.
AK1_CHECK_KEY = _secret("AK1_CHECK_KEY")

if _missing and not DEBUG:
    raise ImproperlyConfigured(
        "\n".join(f"Variabel lingkungan {name} wajib diisi saat DEBUG mati." for name in _missing)
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "disnaker_portal",
    "akun",
    "verifikasi",
    "layanan",
    "balikan",
    "laporan",
    # kartu joins when a later issue gives it code (an empty app is no app).
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "akun.middleware.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before any password check
    "akun.backends.PermissionsInOneQueryBackend",  # ModelBackend, permissions read in one query
]

ROOT_URLCONF = env.str("ROOT_URLCONF", default="disnaker_portal.urls")  # urls_cek: the public check host
if ROOT_URLCONF == "disnaker_portal.urls_cek":
    # The public AK/1 check host has no login and no signed-in page at all: every other path is a 404.
    MIDDLEWARE.remove("akun.middleware.RequireSecondFactorMiddleware")
WSGI_APPLICATION = "disnaker_portal.wsgi.application"
AUTH_USER_MODEL = "akun.User"
LOGIN_URL = "akun:login"
LOGIN_REDIRECT_URL = "akun:home"
LOGOUT_REDIRECT_URL = "akun:login"

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
                "verifikasi.context_processors.admin_alerts",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a concurrent writer instead of failing ("database is locked").
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 30)
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool("DB_POOL", default=True):
    # One pool of warm connections per process, shared by its threads (psycopg_pool): a request takes
    # one and gives it back at its end. Persistent per-thread connections instead left one cold
    # PostgreSQL backend per thread, each reopened every CONN_MAX_AGE and pinged before each request.
    DATABASES["default"].setdefault("OPTIONS", {})
    # Each gunicorn thread may hold a connection for a whole lookup (the Dukcapil wait included).
    _threads = env.int("GUNICORN_THREADS", default=8)
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": env.int("DB_POOL_MIN_SIZE", default=2),
        "max_size": int(env.str("DB_POOL_MAX_SIZE", default="").strip() or 0) or _threads + 2,  # empty: the default
        "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),
    }
    # With a pool Django turns this into the pool's check: a connection the server dropped (a
    # PostgreSQL restart) is replaced when taken, not handed to a request.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["OPTIONS"]["pool"]["max_size"] < _threads:
        raise ImproperlyConfigured("DB_POOL_MAX_SIZE harus paling sedikit GUNICORN_THREADS (satu koneksi per thread).")
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # required with a pool
else:
    # Keep connections between requests (a new PostgreSQL connection per request costs ~15 ms).
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL.startswith("memory://")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = "Asia/Jakarta"

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia")]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "var" / "staticfiles"))
# Signed NDA and SPTJM scans: outside any URL space, served only through a view.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private"))
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=2 * 1024 * 1024)
FILE_UPLOAD_PERMISSIONS = 0o600

# --- Sessions, cookies, login protection ------------------------------------
SESSION_COOKIE_AGE = 15 * 60  # 15 idle minutes ...
SESSION_SAVE_EVERY_REQUEST = True  # ... counted from the last request (renewed at most once a minute:
SESSION_ENGINE = "akun.sessions"  # the row is not rewritten by every lookup)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = ["security.W021"]  # HSTS preload is a choice for the domain owner.

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "akun/terkunci.html"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Disnaker Purbalingga"

# --- Mail --------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# A stalled mail server must not hold a worker (or anything else) for long.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal@disnaker.purbalinggakab.go.id")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Admin portal", a) for a in env.list("ADMIN_EMAILS", default=[])]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.server": {"level": "WARNING"}},
}
DEFAULT_EXCEPTION_REPORTER_FILTER = "disnaker_portal.reporting.NoValuesFilter"

from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE = {
    "kepala-jejak-audit-harian": {"task": "verifikasi.tasks.audit_head_publish", "schedule": crontab(hour=6, minute=0)},
    "hapus-jejak-penjaga": {"task": "verifikasi.tasks.guard_traces_purge", "schedule": crontab(minute="*/10")},
}
