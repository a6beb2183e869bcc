from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from coplan.lib.contributions import gather

register = template.Library()

ABOUT_ME = [
    "most_important",
    "important_people",
    "how_i_communicate",
    "wellness",
    "please_do",
    "please_do_not",
    "how_and_when_to_support",
    "also_worth_knowing",
]


@register.filter
def lines(text: str) -> SafeString | str:
    """Plain text with one item a line, as an escaped list (or one paragraph)."""
    items = [line.strip(" -•\t") for line in (text or "").splitlines() if line.strip()]
    if not items:
        return ""
    if len(items) == 1:
        return format_html_join("", "<p>{}</p>", ((i,) for i in items))
    return SafeString(
        "<ul class='plain-list'>"
        + format_html_join("", "<li>{}</li>", ((i,) for i in items))
        + "</ul>"
    )


@register.simple_tag
def about_me_sections(person) -> list[tuple[str, str]]:
    return [(person._meta.get_field(name).verbose_name, getattr(person, name)) for name in ABOUT_ME]


@register.inclusion_tag("people/_person_header.html", takes_context=True)
def person_header(context, person, page_title: str = "", needs=None):
    """The top of every page about a person: their name and their communication needs,
    flagged (Accessible Information Standard: flag). Pass `needs` if already loaded. The
    name links to their record, except for a reader of evidence only (an inspector), for
    whom the record is refused (the access bounds mark such a request `evidence_only`)."""
    if needs is None:
        needs = getattr(person, "active_needs", None)
    if needs is None:
        needs = list(person.communication_needs.filter(is_active=True))
    request = context.get("request")
    return {
        "person": person,
        "page_title": page_title,
        "needs": needs,
        "link_name": not getattr(request, "evidence_only", False),
    }


@register.simple_tag(takes_context=True)
def contributions(context, slot: str, **kwargs) -> SafeString:
    """Render every panel a later stage contributed to `slot` (see coplan/lib/contributions),
    inside this page's context, so the context processors do not run again per panel."""
    request = context.get("request")
    caps = context.get("caps", frozenset())
    panels = gather(slot, request=request, caps=caps, **kwargs)
    html = []
    for panel in panels:
        template = context.template.engine.get_template(panel.template)
        with context.push(**panel.context):
            html.append(template.render(context))
    return SafeString("".join(html))
