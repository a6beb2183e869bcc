from django import template

from coplan.delivery import practice_selectors
from coplan.support import risk_charts

register = template.Library()


@register.inclusion_tag("risk/_person_summary.html")
def risk_summary(person):
    """Each active risk plan in brief, for the person's page: the goal kept, the stage, and
    the prompts given per session over time (the evidence that support is stepping back)."""
    plans = []
    for plan in practice_selectors.plans_for_person(person).filter(is_active=True):
        points = practice_selectors.trends(plan)
        plans.append(
            {
                "plan": plan,
                "points": points,
                "prompt_change": practice_selectors.prompt_change(points),
                "prompts_chart": risk_charts.prompts_chart(points),
            }
        )
    return {"person": person, "plans": plans}
