"""Records under Sam (service A) and Ola (service B), so every edit page has something to
open, and the valid form data each page accepts."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from coplan.people import services
from coplan.people.models import (
    CircleMember,
    CommunicationChartEntry,
    CommunicationNeed,
    DecisionAgreementEntry,
    Person,
)


@dataclass
class Records:
    need: CommunicationNeed
    chart: CommunicationChartEntry
    agreement: DecisionAgreementEntry
    circle: CircleMember


def make_records(person: Person, by) -> Records:
    return Records(
        need=services.communication_need_create(
            person=person,
            by=by,
            category=CommunicationNeed.Category.INFORMATION_FORMAT,
            information_format=CommunicationNeed.Format.EASY_READ,
            need="Easy read with pictures",
            review_on=timezone.localdate() + timedelta(days=180),
        ),
        chart=services.chart_entry_create(
            person=person,
            by=by,
            happening="Shower offered before breakfast",
            person_does="Pulls the duvet over their head",
            we_think="Not ready yet",
            we_should="Come back in 20 minutes with the picture card",
        ),
        agreement=services.agreement_entry_create(
            person=person,
            by=by,
            decision_kind="What to eat",
            how_involved="Choose from two photos",
            final_say="Me",
        ),
        circle=services.circle_member_create(
            person=person,
            by=by,
            name="Pat Friend",
            relationship_type=CircleMember.Relationship.FRIEND,
        ),
    )


@pytest.fixture
def records(world) -> dict[str, Records]:
    return {
        "person": make_records(world.person, world.manager),
        "person_b": make_records(world.person_b, world.manager),
    }


def valid_data(form: str, person: Person) -> dict[str, str]:
    """Data each form accepts as it stands, with the version of the record the page showed
    (an add form ignores it; the records each test starts with are at version 1)."""
    today = date.today().isoformat()
    version = str(person.version) if form == "edit" else "1"
    return {"version": version} | {
        "edit": {
            "given_name": person.given_name,
            "family_name": person.family_name,
            "preferred_name": person.preferred_name,
            "service": str(person.service_id),
        },
        "need": {
            "category": "communication_support",
            "information_format": "",
            "need": "Short sentences, one idea at a time",
            "how_to_meet": "Wait for an answer before saying more",
            "identified_on": today,
            "review_on": "2030-01-31",
            "share_with_partners": "on",
            "is_active": "on",
        },
        "chart": {
            "happening": "Asked to go out",
            "person_does": "Looks at the door",
            "we_think": "Yes",
            "we_should": "Get coats",
            "position": "1",
        },
        "decision_profile": {
            "how_i_like_information": "Pictures first",
            "choices_at_once": "2",
            "presentation": "visual",
            "ways_to_help_understand": "",
            "best_time": "After lunch",
            "bad_time": "Early morning",
        },
        "agreement": {
            "decision_kind": "Where to go on Saturday",
            "how_involved": "Choose from photos",
            "final_say": "Me",
            "position": "0",
        },
        "circle": {
            "name": "Chris Advocate",
            "relationship_type": "advocate_paid",
            "relationship": "my advocate",
            "phone": "",
            "email": "",
            "may_see_profile": "on",
            "consent_basis": "person",
            "consent_note": "Sam said yes at the July meeting",
            "consent_recorded_on": today,
            "is_active": "on",
        },
    }[form]
