"""The one `notify()` service: any stage may call it with the words and the link."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from coplan.accounts.models import Membership, User
from coplan.notifications.models import (
    DEFAULTS,
    URGENT,
    WITHOUT_ROLE,
    Kind,
    Notification,
    Preference,
)


@dataclass(frozen=True)
class Event:
    """One thing to tell: its words, its link, and a key naming it (so a resend or a second
    scan tells each recipient once)."""

    recipients: tuple[User, ...]
    kind: str
    title: str
    url: str
    event_key: str
    body: str = ""


def _choices(user_ids: set[int], kinds: set[str]) -> tuple[dict, dict[int, set[str]]]:
    prefs = {
        (p.user_id, p.kind): p
        for p in Preference.objects.filter(user_id__in=user_ids, kind__in=kinds)
    }
    roles: dict[int, set[str]] = {}
    for user_id, role in Membership.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "role"
    ):
        roles.setdefault(user_id, set()).add(role)
    return prefs, roles


def _wants(user: User, kind: str, prefs: dict, roles: dict[int, set[str]]) -> tuple[bool, bool]:
    """(in the app, by email) for this user and kind: their own choice, else their roles'."""
    pref = prefs.get((user.pk, kind))
    if pref is not None:
        return pref.in_app, pref.in_app and pref.by_email and bool(user.email)
    held = roles.get(user.pk, ())
    default = any(kind in DEFAULTS.get(role, ()) for role in held) or (
        not held and kind in WITHOUT_ROLE
    )
    return default, default and kind in URGENT and bool(user.email)


@transaction.atomic
def notify_many(events: Iterable[Event]) -> list[Notification]:
    """Tell each recipient of each event who wants that kind, once per event, in four
    queries whatever the number of events. Urgent kinds (and those a user asked for by
    email) are emailed by a background task after the commit."""
    events = list(events)
    users = {u.pk: u for e in events for u in e.recipients if u is not None and u.is_active}
    if not users:
        return []
    prefs, roles = _choices(set(users), {e.kind for e in events})
    rows, email_keys = [], set()
    for e in events:
        for user in {u.pk: u for u in e.recipients if u is not None and u.pk in users}.values():
            in_app, by_email = _wants(user, e.kind, prefs, roles)
            if not in_app:
                continue
            key = e.event_key[:200]
            rows.append(
                Notification(
                    recipient=user,
                    kind=e.kind,
                    title=e.title[:200],
                    body=e.body,
                    url=e.url[:500],
                    event_key=key,
                    is_urgent=e.kind in URGENT,
                )
            )
            if by_email:
                email_keys.add((user.pk, key))
    if not rows:
        return []
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    made = list(
        Notification.objects.filter(
            recipient_id__in={r.recipient_id for r in rows},
            event_key__in={r.event_key for r in rows},
            emailed_at__isnull=True,
            read_at__isnull=True,
        )
    )
    to_email = [n.pk for n in made if (n.recipient_id, n.event_key) in email_keys]
    if to_email:
        from coplan.notifications.tasks import email_notifications_task

        transaction.on_commit(lambda: email_notifications_task.enqueue(to_email))
    return made


def notify(
    *,
    recipients: Iterable[User],
    kind: Kind | str,
    title: str,
    url: str,
    event_key: str,
    body: str = "",
) -> list[Notification]:
    """Tell the recipients of one event (see notify_many)."""
    return notify_many([Event(tuple(recipients), str(kind), title, url, event_key, body)])


def mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark this user's notifications read (all of them, or those in `ids`)."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


@transaction.atomic
def preferences_save(*, user: User, choices: dict[str, tuple[bool, bool]]) -> None:
    """Save (in_app, by_email) for each kind given."""
    for kind, (in_app, by_email) in choices.items():
        if kind not in Kind.values:
            continue
        Preference.objects.update_or_create(
            user=user, kind=kind, defaults={"in_app": in_app, "by_email": by_email}
        )
