"""Email for notifications, sent in the background so no request waits for a mail server."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task

from coplan.notifications.models import Notification


@task()
def email_notifications_task(notification_ids: list[int]) -> int:
    """Send each notification not yet emailed; returns how many were sent."""
    sent = 0
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    rows = Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
    for n in rows.select_related("recipient"):
        if not n.recipient.email:
            continue
        send_mail(
            subject=f"Coplan: {n.title}",
            message=f"{n.body}\n\nOpen the record: {base}{n.url}\n".lstrip(),
            from_email=None,
            recipient_list=[n.recipient.email],
        )
        Notification.objects.filter(pk=n.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent
