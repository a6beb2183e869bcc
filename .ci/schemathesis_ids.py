"""Print shell exports naming demo records for schemathesis to aim at (.ci/schemathesis.sh).

Random ids mostly find nothing (a 404 every time); these are real records in Elm House,
where both fuzzing roles work, so the generated bodies reach the services. Each kind of
record comes with its person, for the paths that name both."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coplan.settings")
django.setup()

from coplan.accounts.models import ShiftBooking  # noqa: E402
from coplan.people.models import CircleMember, CommunicationNeed, Person  # noqa: E402
from coplan.planning.models import CoproductionSession, Decision, Goal  # noqa: E402
from coplan.reviews.models import Review, ReviewTrigger  # noqa: E402
from coplan.risk.models import TravelCheckIn  # noqa: E402
from coplan.support.models import ActivityRhythm, Routine, StaffInstruction  # noqa: E402

elm = {"person__service__name": "Elm House"}
check_in = TravelCheckIn.objects.filter(log__person__service__name="Elm House").latest("id")
routine = Routine.objects.filter(**elm).latest("id")
rhythm = ActivityRhythm.objects.filter(**elm).latest("id")
instruction = StaffInstruction.objects.filter(**elm).latest("id")
ids = {
    "PERSON": Person.objects.filter(service__name="Elm House").latest("id").pk,
    "RISK_PERSON": check_in.log.person_id,
    "PLAN": check_in.log.plan_id,
    "LOG": check_in.log_id,
    "CHECK_IN": check_in.pk,
    "ROUTINE_PERSON": routine.person_id,
    "ROUTINE": routine.pk,
    "RHYTHM_PERSON": rhythm.person_id,
    "RHYTHM": rhythm.pk,
    "INSTRUCTION_PERSON": instruction.person_id,
    "INSTRUCTION": instruction.pk,
    "SESSION": CoproductionSession.objects.filter(**elm).latest("id").pk,
    "DECISION": Decision.objects.filter(**elm).latest("id").pk,
    "GOAL": Goal.objects.filter(**elm).latest("id").pk,
    "TRIGGER": ReviewTrigger.objects.filter(**elm).latest("id").pk,
    "REVIEW": Review.objects.filter(**elm).latest("id").pk,
    "NEED": CommunicationNeed.objects.filter(**elm).latest("id").pk,
    "MEMBER": CircleMember.objects.filter(**elm).latest("id").pk,
    "BOOKING": ShiftBooking.objects.filter(user__username="sarah").latest("id").pk,
}
need = CommunicationNeed.objects.get(pk=ids["NEED"])
member = CircleMember.objects.get(pk=ids["MEMBER"])
ids["NEED_PERSON"] = need.person_id
ids["MEMBER_PERSON"] = member.person_id
for name, pk in ids.items():
    print(f"export CPL_{name}={pk}")
