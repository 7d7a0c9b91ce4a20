from .base import *  # noqa: F401,F403
from .base import env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_ENABLED = env.bool("AXES_ENABLED", default=False)
# one media folder per pytest-xdist worker (a Celery worker process started by a test inherits the variable)
MEDIA_ROOT = BASE_DIR / ".test-media" / env("PYTEST_XDIST_WORKER", default="")  # noqa: F405
# Tasks run in-process in tests even when REDIS_URL points at a real broker; tests/test_worker.py switches
# eager mode off for its own run against a real `celery worker` process.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
# A per-process cache: throttling and other cached state must not leak between test runs through Redis.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
