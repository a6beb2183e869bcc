"""The one NinjaAPI. Each stage app contributes its router from its own api.py."""

from coplan.api import errors
from coplan.api.auth import auth
from coplan.people.api import router as people_router
from coplan.planning.api import router as planning_router
from coplan.reviews.api import router as reviews_router

api = errors.JsonErrorsAPI(
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
api.add_router("/planning", planning_router)
api.add_router("/support", "coplan.support.api.router")
api.add_router("/delivery", "coplan.delivery.api.router")
api.add_router("/reviews", reviews_router)
api.add_router("/risk", "coplan.risk.api.router")
api.add_router("/assurance", "coplan.assurance.api.checks.router")
api.add_router("/assurance", "coplan.assurance.api.packs.router")
