"""Settings for the test suite: the production settings with inline jobs and a
fast password hasher (tests create many users). ``test_settings`` checks that
production keeps Argon2."""

import os

os.environ.setdefault("ANJU_ALLOW_INSECURE_KEY", "1")
os.environ.setdefault("ANJU_TASKS_BACKEND", "immediate")

from anju.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# No collectstatic in the suite: WhiteNoise finds the files where they are.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The suite's requests are not worth a log line each on the console (caplog still sees them).
LOGGING["handlers"]["console"]["level"] = "WARNING"  # noqa: F405
# A second alias for the replica router's tests (ADR 0043): a test mirror of default, so the same
# data; the router uses it only where a test turns ANJU_REPLICA_READS on.
if "replica" not in DATABASES:  # noqa: F405
    DATABASES["replica"] = DATABASES["default"].copy()  # noqa: F405
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # noqa: F405
ANJU_REPLICA_READS = False
