"""The Jinja2 environment the shift view's body is drawn with.

The shift view is the page every worker opens on every shift, a house of people on one
phone: drawn with Django's template language it spent more time in template variable
look-ups than in everything else together (about 25 ms of a 60 ms page for a house of six).
Jinja2 compiles templates to Python, so the same markup takes a fraction of that. Only the
shift's body (`templates/delivery/*.jinja`) uses it; the page around it, and every other
page, stays in Django's templates.

Escaping is on (Django's Jinja2 backend turns autoescape on; Django's safe strings pass
through as they are). The filters and globals mirror the Django ones the templates used:
`date` and `time` show an aware datetime in the current time zone, as Django's do.
"""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template import engines
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]
from jinja2 import Environment

from coplan.pictures import render as pictures


def _local(value: Any) -> Any:
    return template_localtime(value) if isinstance(value, datetime) else value


def date(value: Any, fmt: str) -> str:
    """Django's `date` filter: "" for nothing, an aware datetime in the current zone."""
    if value in (None, ""):
        return ""
    return formats.date_format(_local(value), fmt)


def time(value: Any, fmt: str) -> str:
    """Django's `time` filter."""
    if value in (None, ""):
        return ""
    return formats.time_format(_local(value), fmt)


def url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def picture(request: Any, ref: str, label: str, size: int) -> SafeString:
    """The step's picture, as `{% picture_box %}` draws it."""
    return pictures.picture_html(ref or "", label or "", size, request=request)


def environment(**options: Any) -> Environment:
    options.pop("autoescape", None)  # always on, whatever the settings say
    env = Environment(autoescape=True, **options)
    env.globals.update(url=url, static=static, picture=picture)
    env.filters.update(date=date, time=time)
    return env


def render_to_string(name: str, context: dict[str, Any], request: HttpRequest) -> SafeString:
    """A `.jinja` template drawn through the Jinja2 engine; its escaping is done, so the
    result goes into a Django template as it is."""
    # The CSRF token worked out once: the backend's lazy one masks it afresh at every use,
    # and a house's checklists use it once a step.
    token = get_token(request)
    html = (
        engines["jinja2"]
        .get_template(name)
        .template.render(  # type: ignore[attr-defined]
            {
                **context,
                "request": request,
                "csrf_token": token,
                "csrf_input": format_html(
                    '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token
                ),
            }
        )
    )
    return mark_safe(html)  # noqa: S308 - Jinja2 escaped every value (autoescape is on)
