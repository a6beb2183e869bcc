"""The named people every test can use, each explaining who they are.

Service A ("Elm House") and service B ("Birch Court") belong to one organisation.
- `worker`: a support worker in A
- `team_leader`, `manager`: of A
- `outsider`: a support worker in B (must never see A's people)
- `agency_now`: an agency worker in A, booked on a shift running now
- `agency_later`: an agency worker in A, booked only on a shift tomorrow
- `quality_lead`: reads across both services
- `admin`: organisation admin (no care records)
- `person`: Sam, supported in A, with their own login (`person_user`)
- `sister`: Sam's sister, in the circle with a login, sees the profile only
- `person_b`: Ola, supported in B
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from coplan.accounts.models import Membership, Organisation, Service, ShiftBooking, User
from coplan.people import services as people_services
from coplan.people.models import CircleMember, Person

Role = Membership.Role
PASSWORD = "a-long-test-password-9"


@dataclass
class World:
    org: Organisation
    service_a: Service
    service_b: Service
    worker: User
    team_leader: User
    manager: User
    outsider: User
    agency_now: User
    agency_later: User
    quality_lead: User
    admin: User
    person_user: User
    sister_user: User
    person: Person
    sister: CircleMember
    person_b: Person

    def client_for(self, user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    @property
    def staff(self) -> dict[str, User]:
        return {
            "worker": self.worker,
            "team_leader": self.team_leader,
            "manager": self.manager,
            "outsider": self.outsider,
            "agency_now": self.agency_now,
            "agency_later": self.agency_later,
            "quality_lead": self.quality_lead,
            "admin": self.admin,
        }

    @property
    def everyone(self) -> dict[str, User | None]:
        return {
            **self.staff,
            "person_user": self.person_user,
            "sister_user": self.sister_user,
            "anonymous": None,
        }


def make_user(username: str, name: str) -> User:
    user = User(username=username, display_name=name, email=f"{username}@example.org")
    user.set_password(PASSWORD)
    user.save()
    return user


def member(user: User, service: Service, role: str) -> User:
    Membership.objects.create(user=user, service=service, role=role)
    return user


@pytest.fixture
def noon_today():
    """Run the whole test from 12:00 today (local time), the clock ticking on. A test that
    places records "earlier today" at a clock time (09:00, 11:00) would otherwise fail when
    CI runs it before that hour ("a record cannot describe something that has not happened
    yet"). Request it before `world` (or via `pytest.mark.usefixtures`) so the logins and
    the world's bookings are made at noon too."""
    noon = timezone.make_aware(datetime.combine(timezone.localdate(), time(12)))
    with time_machine.travel(noon, tick=True):
        yield noon


@pytest.fixture
def world(db) -> World:
    org = Organisation.objects.create(name="Riverside Support", slug="riverside")
    a = Service.objects.create(organisation=org, name="Elm House")
    b = Service.objects.create(organisation=org, name="Birch Court")
    now = timezone.now()

    worker = member(make_user("worker", "Wendy Worker"), a, Role.SUPPORT_WORKER)
    team_leader = member(make_user("teamlead", "Tariq Leader"), a, Role.TEAM_LEADER)
    manager = member(make_user("manager", "Mona Manager"), a, Role.MANAGER)
    outsider = member(make_user("outsider", "Otto Outsider"), b, Role.SUPPORT_WORKER)
    agency_now = member(make_user("agency_now", "Ada Agency"), a, Role.AGENCY_WORKER)
    ShiftBooking.objects.create(
        user=agency_now,
        service=a,
        starts_at=now - timedelta(hours=2),
        ends_at=now + timedelta(hours=6),
    )
    agency_later = member(make_user("agency_later", "Len Later"), a, Role.AGENCY_WORKER)
    ShiftBooking.objects.create(
        user=agency_later,
        service=a,
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=1, hours=8),
    )
    quality_lead = member(make_user("quality", "Quinn Quality"), b, Role.QUALITY_LEAD)
    admin = member(make_user("admin", "Adil Admin"), a, Role.ADMIN)

    person_user = make_user("sam", "Sam Taylor")
    person = people_services.person_create(
        service=a, by=manager, given_name="Samuel", family_name="Taylor", preferred_name="Sam"
    )
    people_services.person_update(person=person, by=manager, login=person_user)
    sister_user = make_user("sister", "Jo Taylor")
    sister = people_services.circle_member_create(
        person=person,
        by=manager,
        name="Jo Taylor",
        relationship_type=CircleMember.Relationship.FAMILY,
        relationship="my sister",
        login=sister_user,
        may_see_profile=True,
        may_see_plan=False,
    )
    person_b = people_services.person_create(
        service=b, by=manager, given_name="Olamide", family_name="Adeyemi", preferred_name="Ola"
    )
    return World(
        org=org,
        service_a=a,
        service_b=b,
        worker=worker,
        team_leader=team_leader,
        manager=manager,
        outsider=outsider,
        agency_now=agency_now,
        agency_later=agency_later,
        quality_lead=quality_lead,
        admin=admin,
        person_user=person_user,
        sister_user=sister_user,
        person=person,
        sister=sister,
        person_b=person_b,
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is the hasher in production (tested in test_security); tests that only need a
    user use a fast one."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (Debian's, never a downloaded one) for the whole run."""
    import os

    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
    # inside one unless told it is safe (it is: the loop is not serving requests).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser context at phone size for each test."""
    from tests.browser.conftest import PHONE

    context = browser.new_context(viewport=PHONE, locale="en-GB")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


# The two slowest files (a minute or two of migrating each) first, then the rest by their
# number of tests, most first: with several workers (make test runs -n 4 --dist loadfile
# --no-loadscope-reorder, which keeps this order) each long file starts early beside the
# rest, instead of running alone at the end.
SLOWEST_FIRST = ("tests/risk/test_migration.py", "tests/support/test_migrations.py")


def pytest_collection_modifyitems(items):
    counts: dict[str, int] = {}
    for item in items:
        path = item.nodeid.split("::")[0]
        counts[path] = counts.get(path, 0) + 1

    def order(item):
        path = item.nodeid.split("::")[0]
        return (path not in SLOWEST_FIRST, -counts[path], path)

    items.sort(key=order)


@pytest.fixture(scope="session", autouse=True)
def _migrations_recorded(django_db_setup, django_db_blocker, django_db_use_migrations):
    """`make test` builds its databases from the models (`--nomigrations` in pyproject):
    seconds, where running the 34 migrations takes a minute and a half of Python per
    database. The migrations are then recorded as applied, which is what the schema now
    is (tests/hardening/test_migrations.py checks that the models and the migrations
    agree), so the backup's manifest and the data-move tests see a migrated database.
    Session-wide, so set up before any test's own fixtures: the migrations go back into the
    settings themselves, not into a test's `settings` override, which would drop them when
    it ends."""
    if django_db_use_migrations:
        return
    import importlib
    import os

    from django.conf import global_settings, settings
    from django.db import connections
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder

    project = importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    settings.MIGRATION_MODULES = getattr(
        project, "MIGRATION_MODULES", global_settings.MIGRATION_MODULES
    )
    with django_db_blocker.unblock():
        for alias in connections:
            connection = connections[alias]
            recorder = MigrationRecorder(connection)
            recorder.ensure_schema()
            for app_label, name in MigrationLoader(connection).graph.nodes:
                recorder.record_applied(app_label, name)
