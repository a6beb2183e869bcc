from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.filter
def decision_url(decision) -> str:
    """Where a decision is shown: its planning page once that exists, else the person's."""
    try:
        return reverse(
            "planning:decision_detail",
            kwargs={"person_id": decision.person_id, "pk": decision.pk},
        )
    except NoReverseMatch:
        return reverse("people:detail", args=[decision.person_id])


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
