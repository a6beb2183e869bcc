from coplan.access import rules as access


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "is_staff_member": access.is_staff_member(user),
        "is_person_login": access.is_person(user),
        "has_senior_role": access.has_senior_role(user),
    }
