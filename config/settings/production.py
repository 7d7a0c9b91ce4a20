from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import DATABASES, env

DEBUG = False
# Both keys come from the environment (never a file in the image, never a default): without them, no start.
SECRET_KEY = env("DJANGO_SECRET_KEY")
ASSESSMENT_BALLOT_HMAC_KEY = env("ASSESSMENT_BALLOT_HMAC_KEY")
if not SECRET_KEY or not ASSESSMENT_BALLOT_HMAC_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY 和 ASSESSMENT_BALLOT_HMAC_KEY 不能为空")
if ASSESSMENT_BALLOT_HMAC_KEY == SECRET_KEY:
    raise ImproperlyConfigured("ASSESSMENT_BALLOT_HMAC_KEY 不能与 DJANGO_SECRET_KEY 相同")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
WHITENOISE_USE_FINDERS = False  # collectstatic's manifest in the image, not the source folders
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
