"""Background work of the access stage: invitation emails, so no request waits for a mail
server."""

from __future__ import annotations

from django.core.mail import send_mail
from django_tasks import task

from coplan.access.models import Invitation


@task()
def send_invitation_task(invitation_id: int, link: str) -> bool:
    """Email the invitation link to the address it was sent to (once it is still open)."""
    invitation = (
        Invitation.objects.select_related("person", "circle_member")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.status != "open" or not invitation.sent_to:
        return False
    who = invitation.invitee_name
    about = (
        f"to see and add to {invitation.person.called}'s plan"
        if invitation.circle_member_id
        else "to see your own plan"
    )
    send_mail(
        subject="Coplan: your invitation to sign in",
        message=(
            f"Hello {who},\n\nYou are invited to Coplan {about}.\n"
            f"Open this link to choose your password. It works once, until "
            f"{invitation.expires_at:%d %B %Y}.\n\n{link}\n"
        ),
        from_email=None,
        recipient_list=[invitation.sent_to],
    )
    return True
