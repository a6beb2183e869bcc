"""The demo's logins-and-circle story, seeded with the rest of the demo: an unused
invitation for Ravi, Linda's answers on Dan's open review, Priya's talk request; and a
second run changes nothing."""

from django.core.management import call_command

from coplan.access.models import Invitation
from coplan.notifications.models import Notification
from coplan.reviews.models import ReviewContribution, ReviewTrigger


def _counts():
    return (
        Invitation.objects.count(),
        ReviewContribution.objects.count(),
        ReviewTrigger.objects.count(),
        Notification.objects.count(),
    )


def test_the_circle_story_is_seeded_once(db):
    call_command("seed_demo", verbosity=0)
    invitation = Invitation.objects.get()
    assert invitation.circle_member.name == "Ravi Sharma" and invitation.status == "open"
    linda = ReviewContribution.objects.get(name="Linda Brooks", review__status="open")
    assert linda.contributor_kind == "family" and not linda.on_behalf
    assert linda.review.status == "open"
    asked = ReviewTrigger.objects.get(kind="person_asked", person__given_name="Priya")
    assert asked.reason.startswith("I want to talk about the market.")
    assert Notification.objects.filter(event_key=f"trigger:{asked.pk}", body=asked.reason).exists()
    before = _counts()
    call_command("seed_demo", verbosity=0)
    assert _counts() == before
