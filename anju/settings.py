"""Django settings for anju.

Everything that differs between a laptop, CI and a deployment comes from the
environment (see docs/operations.md). The defaults run anju on a bare machine:
SQLite in ``var/``, background jobs in the same database, DEBUG off unless
``DJANGO_DEBUG=1``.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

from anju.core.logs import configure_structlog, init_error_reporting, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ANJU_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DJANGO_DEBUG")
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
# Without a key, management commands (migrate, makemigrations, shell) still work; serving
# does not: anju.wsgi and `manage.py check --deploy` refuse an insecure key unless DEBUG.
ANJU_INSECURE_KEY = not SECRET_KEY and not env_bool("ANJU_ALLOW_INSECURE_KEY")
if not SECRET_KEY:
    SECRET_KEY = "anju-insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "anju.core.admin_site.AnjuAdminConfig",  # Django's admin, for superusers only (issue 21)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",  # Content-Security-Policy header and its system checks (issue 21)
    "axes",
    "django_tasks",
    "django_tasks_db",
    "django_prometheus",
    "anju.core",
    "anju.audit",
    "anju.regions",
    "anju.accounts",
    "anju.jobs",
    "anju.households",
    "anju.photochecks",
    "anju.inspections",
    "anju.appraisals",
    "anju.eligibility",
    "anju.cases",
    "anju.acceptance",
    "anju.subsidies",
    "anju.archives",
    "anju.tasks",
    "anju.supervision",
    "anju.dynamic",
    "anju.reporting",
    "anju.ledgers",
    "anju.dashboard",
    "anju.township",  # the township duties beyond houses (issue 22, ADR 0044)
    "anju.anomalies",
    "anju.api",
    "anju.home",  # the top layer: composes every app's work for the user (ADR 0025)
    "anju.field",  # the offline field app beside home (issue 19, ADR 0038)
    "anju.demo",
]

MIDDLEWARE = [
    # Request counts and latencies for /metrics (issue 21); its pair closes the list.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files from the process itself, compressed and cached for a year (issue 21).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "anju.core.middleware.RejectControlCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "anju.core.middleware.RequestContextMiddleware",
    # One structured log line per request, with the request id of the audit rows (issue 21).
    "anju.core.logs.RequestLogMiddleware",
    "anju.accounts.middleware.SessionExpiryMiddleware",
    "anju.accounts.middleware.SessionTouchMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Personal data is never kept by a browser's or a proxy's cache (issue 21).
    "anju.core.middleware.NoStoreMiddleware",
    # Content-Security-Policy on every response (issue 21); the policy is the block below.
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Axes must come last so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

# --- Content-Security-Policy (issue 21) -------------------------------------------------------
# Everything is served by this process (anju/static/vendor, no CDN), so scripts, styles, fonts and
# requests come from 'self' only. No 'unsafe-inline' and no 'unsafe-eval' anywhere: there is no
# inline <script>, no on*="" handler, no style="" attribute and no <style> block in the templates
# (behaviour is in anju/static/anju/anju.js, looks in anju.css); htmx runs with allowEval false and
# without its injected indicator <style>. Styles that ECharts, Leaflet and Bootstrap set from
# JavaScript go through the CSSOM, which CSP does not restrict. Images may be data:/blob: URLs
# (photo previews before upload, Leaflet's icons) and, when a 天地图 key is configured, map tiles
# from t0-t7.tianditu.gov.cn.
_CSP_IMG_SRC = ["'self'", "data:", "blob:"]
if os.environ.get("ANJU_TIANDITU_KEY"):
    _CSP_IMG_SRC += [f"https://t{n}.tianditu.gov.cn" for n in range(8)]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": _CSP_IMG_SRC,
        "connect-src": ["'self'"],
        "font-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# --- end Content-Security-Policy ------------------------------------------------------------------

ROOT_URLCONF = "anju.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "anju" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "anju.core.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "anju.wsgi.application"

DEFAULT_SQLITE_URL = f"sqlite:///{VAR_DIR / 'anju.sqlite3'}"
if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", DEFAULT_SQLITE_URL),
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process and the job worker share the file; the timeout
    # makes a writer wait for the other instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# A PostgreSQL streaming replica for the dashboard, the map and export jobs (ADR 0043):
# reads inside anju.core.replica.replica_reads() go there; everything else stays on default.
if os.environ.get("ANJU_REPLICA_DATABASE_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["ANJU_REPLICA_DATABASE_URL"],
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
ANJU_REPLICA_READS = "replica" in DATABASES and env_bool("ANJU_REPLICA_READS", True)
DATABASE_ROUTERS = ["anju.core.replica.ReplicaRouter"]

# Parallel query on PostgreSQL (ADR 0054). A web request's query runs in one process: under many
# users a parallel plan only multiplies the CPU one request takes (a county's filtered count took
# 27 ms on three processes instead of 21 ms on one), and the other users wait for those cores.
# Batches that read whole tables (the nightly refresh, the key-flag repair, the monthly list)
# ask for workers in their own
# transaction (anju.core.dbops.batch_settings).
ANJU_DB_PARALLEL_WORKERS = int(os.environ.get("ANJU_DB_PARALLEL_WORKERS", "0"))
ANJU_BATCH_PARALLEL_WORKERS = int(os.environ.get("ANJU_BATCH_PARALLEL_WORKERS", "2"))
for _alias in [a for a, db in DATABASES.items() if db["ENGINE"] == "django.db.backends.postgresql"]:
    _options = DATABASES[_alias].setdefault("OPTIONS", {})
    _options["options"] = (
        f"{_options.get('options', '')} -c max_parallel_workers_per_gather={ANJU_DB_PARALLEL_WORKERS}".strip()
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the session's user with their region (ADR 0054).
    "anju.accounts.backends.RegionModelBackend",
]

# Argon2 first: new and changed passwords are hashed with it.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "anju.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # Chinese habits Django's English-speaking list misses: 5201314, woaini1314, pinyin names.
    {"NAME": "anju.accounts.validators.ChineseCommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "anju.accounts.validators.CharacterClassValidator"},
    # aaaaaaaaaa1, 12345678ab: long enough and mixed, yet guessed at once.
    {"NAME": "anju.accounts.validators.RepetitionSequenceValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle timeout: the session lives SESSION_COOKIE_AGE seconds after the last request.
SESSION_COOKIE_AGE = int(os.environ.get("ANJU_SESSION_IDLE_SECONDS", str(30 * 60)))
# Written at most once a minute by accounts.middleware.SessionTouchMiddleware, not on every
# request (a page's photos saving the session at once were refused with a 400).
SESSION_SAVE_EVERY_REQUEST = False
ANJU_SESSION_TOUCH_SECONDS = int(os.environ.get("ANJU_SESSION_TOUCH_SECONDS", "60"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# HTTPS (docs/operations.md, issue 21). ANJU_HTTPS=1 when users reach anju over HTTPS (a TLS
# proxy in front): secure cookies and HSTS. ANJU_BEHIND_TLS_PROXY=1 trusts the proxy's
# X-Forwarded-Proto, so request.is_secure() is true and the API's links are https://. Only set
# it when the proxy overwrites that header (the nginx example does).
ANJU_HTTPS = env_bool("ANJU_HTTPS", env_bool("DJANGO_SECURE_COOKIES"))
if env_bool("ANJU_BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = ANJU_HTTPS
CSRF_COOKIE_SECURE = ANJU_HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("ANJU_HSTS_SECONDS", str(365 * 24 * 3600 if ANJU_HTTPS else 0)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ANJU_HSTS_SUBDOMAINS")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Django's admin (an inspection tool for the operator's superuser): off with ANJU_ADMIN=0.
ANJU_ADMIN = env_bool("ANJU_ADMIN", True)
CSRF_FAILURE_VIEW = "anju.core.views.csrf_failure"

# Lockout after repeated failures (django-axes).
AXES_FAILURE_LIMIT = int(os.environ.get("ANJU_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("ANJU_LOCKOUT_MINUTES", "15")))
# Lock the account, not the address: a township office shares one NAT address,
# and one clerk's typos must not lock out colleagues (ADR 0002).
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Failed logins per network address (anju.accounts.ratelimit), besides axes' per-account lockout.
ANJU_LOGIN_IP_FAILURES = int(os.environ.get("ANJU_LOGIN_IP_FAILURES", "20"))
ANJU_LOGIN_IP_WINDOW_MINUTES = int(os.environ.get("ANJU_LOGIN_IP_WINDOW_MINUTES", "15"))
# Throttle counts and login-failure counts: per process by default; shared by every web worker
# with Redis (ANJU_REDIS_URL=redis://127.0.0.1:6379/0), which a multi-worker deployment should use.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["ANJU_REDIS_URL"]}
        if os.environ.get("ANJU_REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "anju"}
    )
}
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("ANJU_PROXY_COUNT", "0")) or None

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "static_root"
STATICFILES_DIRS = [BASE_DIR / "anju" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names (cached for a year by browsers) and gzip/brotli copies, made by collectstatic
    # (`make serve` runs it). A name missing from the manifest falls back to the plain name.
    "staticfiles": {"BACKEND": "anju.core.staticfiles.StaticStorage"},
}
WHITENOISE_MANIFEST_STRICT = False
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("ANJU_MEDIA_ROOT", VAR_DIR / "media"))
# `manage.py backup` writes here unless told otherwise (docs/operations.md).
ANJU_BACKUP_DIR = Path(os.environ.get("ANJU_BACKUP_DIR", VAR_DIR / "backups"))

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
ANJU_MAX_IMPORT_BYTES = int(os.environ.get("ANJU_MAX_IMPORT_BYTES", str(200 * 1024 * 1024)))
# A county's boundary file (ADR 0028) is read in the request, so it has its own, smaller limit.
ANJU_MAX_BOUNDARY_BYTES = int(os.environ.get("ANJU_MAX_BOUNDARY_BYTES", str(30 * 1024 * 1024)))
# Hostile input (ADRs 0022, 0024): how far a worker may grow while it reads a list, and the most
# pixels an image may have before it is refused undecoded. The spreadsheet limits themselves
# (ANJU_SPREADSHEET_MAX_UNCOMPRESSED_MB, …) keep the defaults in anju/core/tabular.py unless set.
ANJU_IMPORT_MEMORY_LIMIT_MB = int(os.environ.get("ANJU_IMPORT_MEMORY_LIMIT_MB", "4096"))
ANJU_IMAGE_MAX_PIXELS = int(os.environ.get("ANJU_IMAGE_MAX_PIXELS", "50000000"))
for _limit in ("MAX_UNCOMPRESSED_MB", "MAX_COMPRESSION_RATIO", "MAX_ENTRIES", "MAX_CELL_CHARS", "MAX_COLUMNS"):
    if os.environ.get(f"ANJU_SPREADSHEET_{_limit}"):
        globals()[f"ANJU_SPREADSHEET_{_limit}"] = int(os.environ[f"ANJU_SPREADSHEET_{_limit}"])

# Background work (ADR 0004): the database backend needs no extra server;
# `manage.py db_worker` runs the jobs. Tests run them inline.
ANJU_TASKS_BACKEND = os.environ.get("ANJU_TASKS_BACKEND", "database")
# The worker beats this often; a worker or job silent for four beats is taken as dead (issue 21).
ANJU_JOB_HEARTBEAT_SECONDS = int(os.environ.get("ANJU_JOB_HEARTBEAT_SECONDS", "15"))
# A list export longer than this runs as a background job with a progress bar (ADR 0031);
# shorter ones are written while the user waits. An operational setting, not policy.
ANJU_EXPORT_INLINE_ROWS = int(os.environ.get("ANJU_EXPORT_INLINE_ROWS", "5000"))
# A list counts its rows up to this many and then says 「2000+ 条」, paging on with 下一页 (ADR 0051):
# an exact count of a province's filtered list is a scan of every match on every page.
ANJU_LIST_COUNT_CAP = int(os.environ.get("ANJU_LIST_COUNT_CAP", "2000"))
# ANJU_TASKS_BACKEND=rq puts the queue in Redis (ADR 0043): workers on other machines run
# `manage.py rq_worker`; ANJU_REDIS_URL names the server (the cache's, unless ANJU_RQ_URL is set).
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
}
TASKS = {
    "default": {"BACKEND": TASK_BACKENDS.get(ANJU_TASKS_BACKEND, TASK_BACKENDS["database"]), "QUEUES": ["default"]}
}
RQ_QUEUES = {
    "default": {
        "URL": os.environ.get("ANJU_RQ_URL") or os.environ.get("ANJU_REDIS_URL") or "redis://127.0.0.1:6379/0",
        # A province-wide refresh or a 1,000,000-row import may run for an hour.
        "DEFAULT_TIMEOUT": int(os.environ.get("ANJU_RQ_JOB_TIMEOUT_SECONDS", str(6 * 3600))),
    }
}
if ANJU_TASKS_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # A refused token is a 403 with a Chinese "detail" (DRF answers 401 only when the first
        # class names a WWW-Authenticate scheme; the session, first, names none).
        "anju.accounts.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON only: the Swagger page at /api/docs/ is the human-facing view.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "anju.core.api_errors.anju_exception_handler",
    # Requests per client (issue 21): anonymous callers by address, signed-in users by account;
    # the token issue has its own, lower limit per address. 429 in Chinese when exceeded.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("ANJU_API_ANON_RATE", "60/min"),
        "user": os.environ.get("ANJU_API_USER_RATE", "1200/min"),
        "token_issue": os.environ.get("ANJU_API_TOKEN_ISSUE_RATE", "10/min"),
    },
    "NUM_PROXIES": int(os.environ.get("ANJU_PROXY_COUNT", "0")) or None,
}

# API tokens (django-rest-knox, ADR 0023): one per device, named by the user, stored as a
# SHA-512 digest, valid ANJU_API_TOKEN_DAYS (30) days from issue and not extended by use, so a
# lost phone's token dies within a month even if nobody revokes it. Password change, lockout
# and deactivation revoke them earlier.
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own migrations create its default table even when the model is swapped; it would stay
# empty, so they are not run.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=int(os.environ.get("ANJU_API_TOKEN_DAYS", "30"))),
    "TOKEN_LIMIT_PER_USER": 10,
    "AUTO_REFRESH": False,
    # Leaked tokens are recognisable (secret scanners, logs) by their prefix.
    "TOKEN_PREFIX": "anju_",
    "AUTH_HEADER_PREFIX": "Token",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "anju 安居 API",
    "DESCRIPTION": "农村住房安全保障信息系统接口。所有数据按用户所属行政区划范围过滤。",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # One schema name per choice set, wherever a serializer uses it.
    "ENUM_NAME_OVERRIDES": {
        "KeyGroupEnum": "anju.households.choices.KeyGroup",
        "SexEnum": "anju.households.choices.Sex",
        "CaseStageEnum": "anju.cases.choices.Stage",
        "EndReasonEnum": "anju.cases.choices.EndReason",
        "GradeEnum": "anju.inspections.choices.Grade",
        "ReportKindEnum": "anju.reporting.choices.ReportKind",
        "SubmissionStatusEnum": "anju.reporting.choices.SubmissionStatus",
        "OrderStatusEnum": "anju.supervision.choices.OrderStatus",
        "OrderFollowUpKindEnum": "anju.supervision.choices.FollowUpKind",
        "FindingSeverityEnum": "anju.anomalies.choices.Severity",
        "AnomalyFindingStatusEnum": "anju.anomalies.choices.FindingStatus",
        "FindingCategoryEnum": "anju.supervision.choices.FindingCategory",
        "TrainingCategoryEnum": "anju.township.choices.TrainingCategory",
        "ProtectionGradeEnum": "anju.township.choices.ProtectionGrade",
        "GradeAtOpeningEnum": "anju.cases.choices.GradeAtOpening",
    },
}

# The house map's base tiles (docs/operations.md): 天地图 vector tiles and labels when a key is
# configured; otherwise none, and the map draws its points on a plain background.
_TIANDITU = (
    "https://t{s}.tianditu.gov.cn/%s_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=%s&STYLE=default"
    "&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}"
)
ANJU_MAP_TILES = (
    {
        "url": _TIANDITU % ("vec", "vec"),
        "overlay_url": _TIANDITU % ("cva", "cva"),
        "attribution": "天地图",
        "key": os.environ["ANJU_TIANDITU_KEY"],
        "subdomains": "01234567",
        "max_zoom": 18,
    }
    if os.environ.get("ANJU_TIANDITU_KEY")
    else None
)

# /metrics (Prometheus): open to these addresses, or to a scraper sending ANJU_METRICS_TOKEN as
# "Authorization: Bearer …". With several web processes `make serve` sets PROMETHEUS_MULTIPROC_DIR.
ANJU_METRICS_ALLOW = [a.strip() for a in os.environ.get("ANJU_METRICS_ALLOW", "127.0.0.1,::1").split(",") if a.strip()]
ANJU_METRICS_TOKEN = os.environ.get("ANJU_METRICS_TOKEN", "")

# Structured logs (anju.core.logs, ADR 0026): JSON lines on stderr by default, for journald or a
# log shipper; ANJU_LOG_FORMAT=console for people reading a terminal. Keep them six months
# (docs/operations.md); the audit trail itself is in the database and never deleted by anju.
ANJU_LOG_FORMAT = os.environ.get("ANJU_LOG_FORMAT", "console" if DEBUG else "json")
LOGGING = logging_config(ANJU_LOG_FORMAT, os.environ.get("ANJU_LOG_LEVEL", "INFO"))
configure_structlog()
# Optional error reporting (sentry-sdk): set SENTRY_DSN; personal data is scrubbed before sending.
if os.environ.get("SENTRY_DSN"):
    init_error_reporting(os.environ["SENTRY_DSN"], os.environ.get("ANJU_ENVIRONMENT", "production"))
