"""The load test's data: one house of 12 people, each with a morning routine and a weekly
rhythm in force and 30 days of history (bench/generate.py), shift staff with API tokens, a
manager signed in on the web, and a ready evidence pack for the manager to open."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from bench import generate
from coplan.accounts.models import Membership, User
from coplan.accounts.services import api_token_create
from coplan.assurance import packs

PEOPLE = 12
STAFF = 8
MANAGER_SESSIONS = 2


def signed_in_session(user: User) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    assert session.session_key is not None
    return session.session_key


def make_plan() -> dict:
    """Make the data; returns what the locust users need (ids, tokens, session keys)."""
    world = generate.make_world(people=PEOPLE, per_service=PEOPLE)
    generate.add_history(world, from_day=1, to_day=30)
    house = world.services[0]
    people = [p for p in world.people if p.service_id == house.pk]
    staff = [world.worker]
    for n in range(STAFF - 1):
        user = generate._user(f"load-staff-{n}-{house.pk}", f"Shift Staff {n}")
        Membership.objects.create(user=user, service=house, role=Membership.Role.SUPPORT_WORKER)
        staff.append(user)
    manager = Membership.objects.get(service=house, role=Membership.Role.MANAGER).user
    today = timezone.localdate()
    pack, _ = packs.pack_request(
        by=manager, service=house, person=people[0], start=today - timedelta(days=30), end=today
    )
    packs.pack_build(pack=pack)
    return {
        "service": house.pk,
        "people": [
            {
                "id": p.pk,
                "routine": world.routine_versions[p.pk].routine_id,
                "steps": world.step_ids[p.pk],
                "rhythm": world.rhythm_versions[p.pk].rhythm_id,
            }
            for p in people
        ],
        "staff": [{"id": u.pk, "token": api_token_create(user=u, name="load")[1]} for u in staff],
        "manager_sessions": [signed_in_session(manager) for _ in range(MANAGER_SESSIONS)],
        "pack": pack.pk,
    }
