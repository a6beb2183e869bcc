"""The one NinjaAPI. Each stage app contributes its router from its own api.py."""

from ninja import NinjaAPI

from coplan.api import errors
from coplan.api.auth import auth
from coplan.people.api import router as people_router

api = NinjaAPI(
    title="Coplan API",
    version="1",
    description=(
        "Coplan's JSON API. Every call needs a token (`Authorization: Bearer <token>`) and is "
        "checked by the same access rules as the web pages. Errors are "
        '`{"code": ..., "message": ..., "fields": {...}}`.'
    ),
    auth=auth,
    urls_namespace="api",
)
errors.install(api)
api.add_router("/people", people_router)
