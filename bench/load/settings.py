"""Coplan's settings for the load test's server: production's, except that static files are
served through the finders, so the pages render without `collectstatic` (the manifest
storage needs one). Everything on the request path is as in production."""

from coplan.settings import *  # noqa: F403
from coplan.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
