from coplan.access import rules as access
from coplan.access.rules import Action


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "is_staff_member": access.is_staff_member(user),
        "is_person_login": access.is_person(user),
        "has_senior_role": access.has_senior_role(user),
        "sees_reviews": access.may_somewhere(user, Action.VIEW_REVIEWS),
    }
