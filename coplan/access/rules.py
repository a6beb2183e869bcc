"""The one place that decides who may see or change a person's record.

Every view and API endpoint gets a person through `get_person_for_user`, one of their records
through `get_object_for_user` (a decision, a routine, a review...), or lists them with
`people_for_user`, naming the action it needs. The helpers answer 404 when the user may not
see the person at all, 403 when they may see them but not do this, and write the access-log
row of a read themselves, so a page that shows a person's record cannot forget it. Whose
voice a user speaks in (`voice_of`) and who may read a shift briefing
(`get_briefing_for_user`) are decided here too. Nothing else decides access.

The rules (DESIGN.md, "Who may do what"):
- staff act only on people in the services they are members of; a quality lead reads
  across every service of their organisation; an admin sees no care records;
- an agency worker acts only while a shift they are booked on is running, in that service;
- the person sees their own plan and answers check-ins; a circle member sees only what the
  person (or a best-interests decision) shared with them, and may add their views;
- a named inspector or commissioner reads the evidence (packs, trends) of the one service or
  person their grant names, until its date, and only from a two-step verified sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TypeVar, cast

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from coplan.access.models import AccessLog, InspectorGrant
from coplan.accounts import services as account_services
from coplan.accounts.models import SENIOR_ROLES, Membership, Service, ShiftBooking, User
from coplan.lib import rows
from coplan.people.models import CircleMember, Person

Role = Membership.Role


class Action(StrEnum):
    VIEW_PROFILE = "view_profile"  # About me, communication needs, circle
    VIEW_PLAN = "view_plan"  # sessions, decisions, goals, routines, risk plans
    VIEW_RECORDS = "view_records"  # shift records, notes, incidents
    VIEW_REVIEWS = "view_reviews"  # check-ins, triggers, reviews
    VIEW_HISTORY = "view_history"  # change history of records
    VIEW_PHOTOS = "view_photos"  # the person's own photos (shown on their profile and plan)
    EDIT_PROFILE = "edit_profile"
    PLAN = "plan"  # prepare sessions, draft decisions and goals, change the plan
    SIGN_OFF = "sign_off"  # agree or supersede decisions, confirm progression
    RECORD = "record"  # make records on shift
    ADD_VIEWS = "add_views"  # views before a session, working / not working
    CONTRIBUTE = "contribute"  # answer a review's 4 plus 1 questions: add views to one seen
    CHECK_IN = "check_in"  # weekly check-in
    REVIEW = "review"  # open and conclude reviews
    ASSURE = "assure"  # alignment and spot checks, evidence packs
    SUPERVISE = "supervise"  # run alignment checks with the service's staff (managers)
    SPOT_CHECK = "spot_check"  # draw and record spot checks of a service's records
    VIEW_REPORTS = "view_reports"  # delivery against the plan: for those who plan or assure
    VIEW_ACCESS_LOG = "view_access_log"
    VIEW_EVIDENCE = "view_evidence"  # evidence packs and trends: what an inspector reads
    GRANT_ACCESS = "grant_access"  # name an inspector or commissioner, until a date
    INVITE = "invite"  # give the person or a circle member a login, start a shared tablet


A = Action
_VIEW_CARE = {A.VIEW_PROFILE, A.VIEW_PLAN, A.VIEW_RECORDS, A.VIEW_REVIEWS, A.VIEW_PHOTOS}
_SUPPORT_WORKER = _VIEW_CARE | {A.RECORD, A.ADD_VIEWS, A.CONTRIBUTE, A.CHECK_IN}
_TEAM_LEADER = _SUPPORT_WORKER | {
    A.VIEW_HISTORY,
    A.EDIT_PROFILE,
    A.PLAN,
    A.SIGN_OFF,
    A.REVIEW,
    A.VIEW_REPORTS,
    A.VIEW_EVIDENCE,
}

ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.SUPPORT_WORKER: frozenset(_SUPPORT_WORKER),
    # Only while a booked shift is running; see _AccessContext.
    Role.AGENCY_WORKER: frozenset(
        {A.VIEW_PROFILE, A.VIEW_PLAN, A.VIEW_RECORDS, A.VIEW_PHOTOS, A.RECORD}
    ),
    Role.TEAM_LEADER: frozenset(_TEAM_LEADER),
    Role.MANAGER: frozenset(
        _TEAM_LEADER | {A.ASSURE, A.SUPERVISE, A.VIEW_ACCESS_LOG, A.GRANT_ACCESS, A.INVITE}
    ),
    Role.QUALITY_LEAD: frozenset(
        _VIEW_CARE
        | {
            A.VIEW_HISTORY,
            A.ASSURE,
            A.SPOT_CHECK,
            A.VIEW_REPORTS,
            A.VIEW_ACCESS_LOG,
            A.VIEW_EVIDENCE,
        }
    ),
    Role.ADMIN: frozenset(),
}
PERSON_ACTIONS = frozenset(
    {
        A.VIEW_PROFILE,
        A.VIEW_PLAN,
        A.VIEW_PHOTOS,
        A.VIEW_REVIEWS,
        A.ADD_VIEWS,
        A.CONTRIBUTE,
        A.CHECK_IN,
    }
)
# A circle member's reads follow what was shared with them; they may always add their views,
# and answer a review's questions when its reviews were shared with them.
CIRCLE_SHARING: dict[str, frozenset[Action]] = {
    # The person's photos are drawn on their profile and plan pages alike.
    "may_see_profile": frozenset({A.VIEW_PROFILE, A.VIEW_PHOTOS}),
    "may_see_plan": frozenset({A.VIEW_PLAN, A.VIEW_PHOTOS}),
    "may_see_records": frozenset({A.VIEW_RECORDS}),
    "may_see_reviews": frozenset({A.VIEW_REVIEWS, A.CONTRIBUTE}),
}
# A named inspector or commissioner reads evidence only: no staff tools, no forms.
INSPECTOR_ACTIONS = frozenset({A.VIEW_EVIDENCE})
STAFF_ROLES = [r for r in Role if r != Role.ADMIN]
PLANNING_ROLES = [Role.TEAM_LEADER, Role.MANAGER]


@dataclass
class _AccessContext:
    """What one user holds, loaded once per user object (per request)."""

    service_roles: dict[int, str] = field(default_factory=dict)  # service id -> role
    quality_lead_orgs: set[int] = field(default_factory=set)
    booked_services: set[int] = field(default_factory=set)  # agency: shift running now
    own_person_id: int | None = None
    circle: dict[int, frozenset[Action]] = field(default_factory=dict)  # person id -> actions
    granted_services: set[int] = field(default_factory=set)  # inspector grants in force
    granted_people: set[int] = field(default_factory=set)


def _context(user: User, at: datetime | None = None) -> _AccessContext:
    cache_key = "_coplan_access"
    if at is None and hasattr(user, cache_key):
        return getattr(user, cache_key)
    moment = at or timezone.now()
    ctx = _AccessContext()
    if user.is_authenticated and user.is_active:
        for m in account_services.memberships(user):
            ctx.service_roles[m.service_id] = m.role
            if m.role == Role.QUALITY_LEAD:
                ctx.quality_lead_orgs.add(m.organisation_id)
        agency_services = [s for s, r in ctx.service_roles.items() if r == Role.AGENCY_WORKER]
        if agency_services:
            ctx.booked_services = set(
                ShiftBooking.objects.filter(
                    user=user,
                    service_id__in=agency_services,
                    starts_at__lte=moment,
                    ends_at__gt=moment,
                ).values_list("service_id", flat=True)
            )
        for is_circle, person_id, *shared in _own_and_circle(user.pk):
            if not is_circle:
                ctx.own_person_id = person_id
                continue
            actions = {A.ADD_VIEWS}.union(
                *(
                    actions
                    for on, actions in zip(shared, CIRCLE_SHARING.values(), strict=True)
                    if on
                )
            )
            ctx.circle[person_id] = frozenset(actions)
        if not ctx.service_roles and is_verified(user):
            for service_id, person_id in grants_in_force(user, moment).values_list(
                "service_id", "person_id"
            ):
                if person_id is None:
                    ctx.granted_services.add(service_id)
                else:
                    ctx.granted_people.add(person_id)
    if at is None:
        setattr(user, cache_key, ctx)
    return ctx


def _own_and_circle(user_id: int) -> list[tuple]:
    """The person whose own login this is and the circles the login belongs to, in one
    statement (every request reads both): rows of (is_circle, person id, then the circle's
    sharing flags in CIRCLE_SHARING's order). A login is one person's at most."""
    # Only model metadata is formatted in; the user's id is a parameter.
    q = connection.ops.quote_name
    flags = ", ".join(f"c.{q(name)}" for name in CIRCLE_SHARING)
    blanks = ", ".join("%s" for _ in CIRCLE_SHARING)
    sql = (
        f"SELECT %s, p.id, {blanks} FROM {q(Person._meta.db_table)} p "  # noqa: S608
        "WHERE p.login_id = %s AND p.is_active "
        f"UNION ALL SELECT %s, c.person_id, {flags} FROM {q(CircleMember._meta.db_table)} c "
        "WHERE c.login_id = %s AND c.is_active"
    )
    params = [False, *([False] * len(CIRCLE_SHARING)), user_id, True, user_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(bool(row[0]), row[1], *(bool(v) for v in row[2:])) for row in cursor.fetchall()]


def is_verified(user: User) -> bool:
    """Signed in with the second step (django-otp sets `is_verified` on a request's user)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def grants_in_force(user: User, at: datetime | None = None) -> QuerySet[InspectorGrant]:
    """The user's inspector grants not revoked and not past their date: a grant ends by
    itself, since this is read on every request."""
    today = timezone.localdate(at) if at is not None else timezone.localdate()
    return InspectorGrant.objects.filter(grantee=user, revoked_at__isnull=True, until__gte=today)


def is_grantee(user: User) -> bool:
    """Whether the user is an inspector or commissioner account (any grant, even ended)."""
    return bool(user.is_authenticated and InspectorGrant.objects.filter(grantee=user).exists())


def forget(user: User) -> None:
    """Drop the cached access context (after memberships or bookings change)."""
    user.__dict__.pop("_coplan_access", None)
    account_services.forget_memberships(user)


def capabilities(user: User, person: Person, *, at: datetime | None = None) -> frozenset[Action]:
    """Everything this user may do on this person's record, now (or at `at`)."""
    ctx = _context(user, at)
    allowed: set[Action] = set()
    role = ctx.service_roles.get(person.service_id)
    if role == Role.AGENCY_WORKER:
        if person.service_id in ctx.booked_services:
            allowed |= ROLE_ACTIONS[role]
    elif role is not None:
        allowed |= ROLE_ACTIONS[role]
    if ctx.quality_lead_orgs and person.service.organisation_id in ctx.quality_lead_orgs:
        allowed |= ROLE_ACTIONS[Role.QUALITY_LEAD]
    if ctx.own_person_id == person.pk:
        allowed |= PERSON_ACTIONS
    allowed |= ctx.circle.get(person.pk, frozenset())
    if person.service_id in ctx.granted_services or person.pk in ctx.granted_people:
        allowed |= INSPECTOR_ACTIONS
    return frozenset(allowed)


def can(user: User, action: Action, person: Person) -> bool:
    return action in capabilities(user, person)


def staff_role(user: User, service_id: int) -> str | None:
    return _context(user).service_roles.get(service_id)


def is_staff_member(user: User) -> bool:
    ctx = _context(user)
    return any(role != Role.ADMIN for role in ctx.service_roles.values())


def require_staff_member(user: User, what: str) -> None:
    """Refuse a page made for staff at work (the shift) to anyone else: the person, their
    circle, an inspector. Their own pages are elsewhere."""
    if not is_staff_member(user):
        raise PermissionDenied(f"{what} is for staff at work. Your own pages are on Home.")


def is_person(user: User) -> bool:
    return _context(user).own_person_id is not None


def own_person_id(user: User) -> int | None:
    """The person whose own login this is, if it is one."""
    return _context(user).own_person_id


def circle_person_ids(user: User) -> list[int]:
    return list(_context(user).circle)


M = TypeVar("M", bound=Model)

NOT_ALLOWED = "Your role does not allow this on this person's record."
# Reads through the JSON API are marked as such in the access log.
API_PATH = "/api/"
# A change is kept in the record's history; only what a page or response shows is a read.
READ_METHODS = frozenset({"GET", "HEAD"})


def _decide(user: User, person: Person, action: Action) -> None:
    """404 when the user may not see the person at all (so existence does not leak), 403
    when they may see them but not do this."""
    allowed = capabilities(user, person)
    if not allowed:
        raise Http404("No such person.")
    if action not in allowed:
        raise PermissionDenied(NOT_ALLOWED)


def _is_read(request: HttpRequest) -> bool:
    return request.method in READ_METHODS


def _read_kind(request: HttpRequest) -> str:
    through_api = request.path.startswith(API_PATH)
    return AccessLog.Action.API_READ if through_api else AccessLog.Action.VIEW


def _log_request(
    request: HttpRequest, person: Person, what: str, log_action: str | None
) -> AccessLog | None:
    if not _is_read(request):
        return None
    action = log_action or _read_kind(request)
    return log_read(request.user, person, what, action=action, path=request.path)


# The person in the URL (and a record's person) is read on nearly every request: hand-written
# statements (coplan/lib/rows.py), each the same rows as the select_related query.


def _person_with_service(person_id: int) -> Person | None:
    if not rows.a_key(person_id):
        return None
    sql = (
        f"SELECT {rows.columns(Person, 'p')}, {rows.columns(Service, 's')} "  # noqa: S608
        f"FROM {rows.table(Person)} p JOIN {rows.table(Service)} s ON s.id = p.service_id "
        "WHERE p.id = %s"
    )
    found = rows.fetch(sql, [person_id], Person, Service)
    if not found:
        return None
    person, service = found[0]
    rows.relate(person, "service", service)
    return person


def _with_person(model: type[M], pk: int) -> M | None:
    if not rows.a_key(pk):
        return None
    person_column = rows.column(model, "person")
    sql = (
        f"SELECT {rows.columns(model, 'o')}, {rows.columns(Person, 'p')}, "  # noqa: S608
        f"{rows.columns(Service, 's')} FROM {rows.table(model)} o "
        f"JOIN {rows.table(Person)} p ON p.id = o.{person_column} "
        f"JOIN {rows.table(Service)} s ON s.id = p.service_id "
        f"WHERE o.{rows.quote(model._meta.pk.column)} = %s"
    )
    found = rows.fetch(sql, [pk], model, Person, Service)
    if not found:
        return None
    obj, person, service = found[0]
    rows.relate(person, "service", service)
    rows.relate(obj, "person", person)
    return obj


def get_person_for_user(
    request: HttpRequest,
    person_id: int,
    action: Action,
    *,
    queryset: QuerySet[Person] | None = None,
    what: str = "Person record",
    log: bool = True,
    log_action: str | None = None,
) -> Person:
    """The person, with their service, if the requesting user may do `action` on their
    record; `queryset` adds what the page shows (still one fetch).

    The read goes in the access log as `what` (through the API as an API read; `log_action`
    says printed or exported). Only a page that shows nothing of the person passes
    `log=False`; a change (a POST, PATCH or DELETE) is kept in the record's history instead.
    """
    if queryset is None:
        person = _person_with_service(person_id)
    else:
        person = queryset.select_related("service").filter(pk=person_id).first()
    if person is None:
        raise Http404("No such person.")
    _decide(request.user, person, action)
    if log:
        _log_request(request, person, what, log_action)
    return person


def get_object_for_user(
    request: HttpRequest,
    source: type[M] | QuerySet[M],
    pk: int,
    action: Action,
    *,
    person_id: int | None = None,
    what: str | None = None,
    log: bool = True,
    log_action: str | None = None,
) -> M:
    """One of a person's records (a session, a decision, a routine, a risk plan, a review,
    anything with a `person`) if the requesting user may do `action` on that person's
    record: the object and its person (with service) in one query. Pass the model, or the
    stage's queryset for what the page shows.

    404 when there is no such object, when it belongs to someone other than the person in
    the URL (`person_id`), or when the user may not see its person at all; 403 when they may
    see the person but not do this. A read is logged as for `get_person_for_user`; `what`
    defaults to the kind of record and its id ("Decision 12").
    """
    if isinstance(source, type):
        obj = _with_person(source, pk)
    else:
        obj = source.select_related("person__service").filter(pk=pk).first()
    if obj is None:
        raise Http404("No such record.")
    person: Person = obj.person  # type: ignore[attr-defined]
    if person_id is not None and person.pk != person_id:
        raise Http404("No such record.")
    _decide(request.user, person, action)
    if log:
        label = what or f"{str(obj._meta.verbose_name).capitalize()} {obj.pk}"
        _log_request(request, person, label, log_action)
    return obj


def get_object_for_user_or_subject(
    request: HttpRequest,
    source: type[M] | QuerySet[M],
    pk: int,
    action: Action,
    *,
    subject_field: str,
    what: str | None = None,
) -> M:
    """A record about a staff member as well as a person (an alignment check): the object
    if the requesting user may do `action` on its person's record, or if they are the staff
    member it is about (`subject_field` names that user's key) and may still see the
    person's plan. Otherwise as `get_object_for_user`: 404, or 403. The read is logged."""
    queryset = source._default_manager.all() if isinstance(source, type) else source
    obj = queryset.select_related("person__service").filter(pk=pk).first()
    if obj is None:
        raise Http404("No such record.")
    person: Person = obj.person  # type: ignore[attr-defined]
    user = cast(User, request.user)
    allowed = capabilities(user, person)
    is_subject = getattr(obj, subject_field) == user.pk and A.VIEW_PLAN in allowed
    if not is_subject:
        _decide(user, person, action)
    label = what or f"{str(obj._meta.verbose_name).capitalize()} {obj.pk}"
    _log_request(request, person, label, None)
    return obj


# Shift briefings -------------------------------------------------------------------------

# An agency worker may read the briefing from shortly before the booked shift to its end.
BRIEFING_OPENS_HOURS = 2


@dataclass(frozen=True)
class Briefing:
    """A booking whose briefing its worker may read now, and the people it tells them about
    (everyone supported in the booked service)."""

    booking: ShiftBooking
    people: list[Person]


def get_briefing_for_user(request: HttpRequest, booking_id: int, *, log: bool = True) -> Briefing:
    """The briefing of the requesting user's own booking, while they are a member of the
    booked service with care duties, from `BRIEFING_OPENS_HOURS` before the shift to its
    end.

    404 when the booking is not theirs or they are no longer in that service (or only as
    its admin); 403 before the briefing opens or after the shift. The read of each person's
    summaries is logged.
    """
    user = request.user
    booking = (
        ShiftBooking.objects.select_related("service")
        .filter(pk=booking_id, user_id=user.pk)
        .first()
    )
    role = staff_role(user, booking.service_id) if booking is not None else None
    if booking is None or role is None or A.VIEW_PLAN not in ROLE_ACTIONS[role]:
        raise Http404("No such booking.")
    now = timezone.now()
    if now < booking.starts_at - timedelta(hours=BRIEFING_OPENS_HOURS):
        raise PermissionDenied(
            f"The briefing opens {BRIEFING_OPENS_HOURS} hours before the shift starts."
        )
    if now >= booking.ends_at:
        raise PermissionDenied("This shift has ended.")
    people = list(
        Person.objects.filter(service_id=booking.service_id, is_active=True)
        .select_related("service")
        .order_by("given_name", "family_name")
    )
    if log and _is_read(request):
        AccessLog.objects.write(
            AccessLog(
                user=user,
                person=p,
                what="Shift briefing",
                action=_read_kind(request),
                path=request.path[:500],
            )
            for p in people
        )
    return Briefing(booking=booking, people=people)


# Whose voice -----------------------------------------------------------------------------


class Speaker(StrEnum):
    PERSON = "person"  # the person, from their own login
    CIRCLE = "circle"  # someone in their circle of support, from their own login
    STAFF = "staff"  # staff, who say whose words they write down


@dataclass(frozen=True)
class Voice:
    """Whose own voice a user speaks in on one person's record."""

    speaker: Speaker
    circle_member: CircleMember | None = None  # their entry in the circle, for CIRCLE

    @property
    def speaks_for_others(self) -> bool:
        """Staff write down whose words they record; the person and their circle do not."""
        return self.speaker == Speaker.STAFF


def voice_of(user: User, person: Person) -> Voice:
    """The person's own voice from their own login, a circle member's from theirs (read
    fresh: a change of circle counts at once), anyone else's as staff."""
    if user.pk is not None and person.login_id == user.pk:
        return Voice(Speaker.PERSON)
    member = (
        CircleMember.objects.filter(person=person, login_id=user.pk, is_active=True).first()
        if user.pk is not None
        else None
    )
    if member is not None:
        return Voice(Speaker.CIRCLE, member)
    return Voice(Speaker.STAFF)


def require(user: User, action: Action, person: Person) -> None:
    if action not in capabilities(user, person):
        raise PermissionDenied(NOT_ALLOWED)


def people_for_user(user: User, action: Action = Action.VIEW_PROFILE) -> QuerySet[Person]:
    """Everyone whose record this user may do `action` on, as one query."""
    ctx = _context(user)
    q = Q(pk__in=[])
    services = [
        sid
        for sid, role in ctx.service_roles.items()
        if action in ROLE_ACTIONS[role]
        and (role != Role.AGENCY_WORKER or sid in ctx.booked_services)
    ]
    if services:
        q |= Q(service_id__in=services)
    if ctx.quality_lead_orgs and action in ROLE_ACTIONS[Role.QUALITY_LEAD]:
        q |= Q(service__organisation_id__in=ctx.quality_lead_orgs)
    if ctx.own_person_id and action in PERSON_ACTIONS:
        q |= Q(pk=ctx.own_person_id)
    circle = [pid for pid, actions in ctx.circle.items() if action in actions]
    if circle:
        q |= Q(pk__in=circle)
    if action in INSPECTOR_ACTIONS:
        q |= Q(service_id__in=ctx.granted_services) | Q(pk__in=ctx.granted_people)
    return Person.objects.filter(q).select_related("service")


def services_for_user(user: User, action: Action) -> QuerySet[Service]:
    """Services where this user's role allows `action` on people there."""
    ctx = _context(user)
    ids = [
        sid
        for sid, role in ctx.service_roles.items()
        if action in ROLE_ACTIONS[role]
        and (role != Role.AGENCY_WORKER or sid in ctx.booked_services)
    ]
    q = Q(pk__in=ids)
    if ctx.quality_lead_orgs and action in ROLE_ACTIONS[Role.QUALITY_LEAD]:
        q |= Q(organisation_id__in=ctx.quality_lead_orgs)
    if action in INSPECTOR_ACTIONS and ctx.granted_services:
        q |= Q(pk__in=ctx.granted_services)
    return Service.objects.filter(q).select_related("organisation")


def get_service_for_user(user: User, service_id: int, action: Action) -> Service:
    service = services_for_user(user, action).filter(pk=service_id).first()
    if service is None:
        if Service.objects.filter(pk=service_id).exists() and staff_role(user, service_id):
            raise PermissionDenied("Your role does not allow this in this service.")
        raise Http404("No such service.")
    return service


def get_service_record_for_user(
    user: User,
    source: type[M] | QuerySet[M],
    pk: int,
    action: Action,
    *,
    owner_field: str | None = None,
) -> M:
    """A record that belongs to a service rather than to one person (a spot check, a
    follow-up action): the object if the user's role allows `action` in its service, or, when
    `owner_field` names the user key of whoever owns it, if they own it. 404 when there is no
    such record or the user has no role where it is; 403 when they have, but not this one."""
    queryset = source._default_manager.all() if isinstance(source, type) else source
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404("No such record.")
    service_id: int = obj.service_id  # type: ignore[attr-defined]
    if owner_field is not None and getattr(obj, owner_field) == user.pk:
        return obj
    if services_for_user(user, action).filter(pk=service_id).exists():
        return obj
    if services_for_user(user, Action.VIEW_PROFILE).filter(pk=service_id).exists():
        raise PermissionDenied("Your role does not allow this in this service.")
    raise Http404("No such record.")


def log_read(
    user: User,
    person: Person,
    what: str,
    *,
    action: str = AccessLog.Action.VIEW,
    path: str = "",
) -> AccessLog:
    (row,) = AccessLog.objects.write(
        [AccessLog(user=user, person=person, what=what[:200], action=action, path=path[:500])]
    )
    return row


def may_somewhere(user: User, action: Action) -> bool:
    """Whether any of the user's staff roles allows `action` in some service (for the main
    navigation; no query beyond the cached access context)."""
    ctx = _context(user)
    return any(
        action in ROLE_ACTIONS[role] and (role != Role.AGENCY_WORKER or sid in ctx.booked_services)
        for sid, role in ctx.service_roles.items()
    )


def has_senior_role(user: User) -> bool:
    return any(role in SENIOR_ROLES for role in _context(user).service_roles.values())


# Accounts ---------------------------------------------------------------------------------


def has_manager_role(user: User) -> bool:
    return Role.MANAGER in _context(user).service_roles.values()


def accounts_to_unlock(user: User) -> QuerySet[User]:
    """The logins a manager may unlock: staff of the services they manage, and the people
    supported there and their circle."""
    managed = [sid for sid, role in _context(user).service_roles.items() if role == Role.MANAGER]
    if not managed:
        return User.objects.none()
    return (
        User.objects.filter(
            Q(memberships__service_id__in=managed)
            | Q(person_record__service_id__in=managed)
            | Q(circle_memberships__person__service_id__in=managed)
        )
        .exclude(is_superuser=True)
        .distinct()
        .order_by("display_name", "username")
    )


def may_change_account(user: User, account: User) -> bool:
    """Whether `user` may change `account`'s details (email, name, password) in the admin.
    A superuser may change anyone. Anyone else, only an account that holds no more than
    they do: no superuser, no role they do not hold in that service, and no login to a
    person's record (the person's own, or a circle member's), since whoever sets its email
    or password can sign in as it and read the records."""
    if user.is_superuser:
        return True
    if account.is_superuser:
        return False
    if account.pk == user.pk:
        return True
    held = {(sid, role) for sid, role in _context(user).service_roles.items()}
    for m in Membership.objects.filter(user=account):
        if (m.service_id, m.role) not in held:
            return False
    if Person.objects.filter(login=account).exists():
        return False
    return not CircleMember.objects.filter(login=account).exists()


def may_grant(user: User, service_id: int, role: str) -> bool:
    """Whether `user` may give someone `role` in a service: only a role they hold there."""
    return user.is_superuser or _context(user).service_roles.get(service_id) == role


# A house (service) at once -------------------------------------------------------------


@dataclass(frozen=True)
class House:
    """A service the requesting user may act in, and everyone supported there now."""

    service: Service
    people: list[Person]


def get_house_for_user(
    request: HttpRequest, service_id: int, action: Action, *, what: str, log: bool = True
) -> House:
    """A service and its people, for a page about the whole house (the house handover): the
    user's role in that service must allow `action` (an agency worker's only while their
    booked shift runs). 404 when they have no role there, 403 when their role does not allow
    it. A read is logged for every person the page shows."""
    user = cast(User, request.user)  # behind login_required, or the API's token auth
    service = get_service_for_user(user, service_id, action)
    people = list(
        Person.objects.filter(service=service, is_active=True)
        .select_related("service")
        .order_by("given_name", "family_name")
    )
    if log and _is_read(request):
        AccessLog.objects.write(
            AccessLog(
                user=user,
                person=p,
                what=what[:200],
                action=_read_kind(request),
                path=request.path[:500],
            )
            for p in people
        )
    return House(service=service, people=people)


# Evidence and inspector grants ------------------------------------------------------------


def user_of(request: HttpRequest) -> User:
    """The signed-in user of a request that `login_required` (or the API's auth) let in."""
    return cast(User, request.user)


def log_service_read(request: HttpRequest, service: Service, what: str) -> None:
    """A page about a whole service (its trends, its evidence pack) is a read of everyone
    supported there: one access-log row each, so each person can see who looked."""
    if not _is_read(request):
        return
    people = Person.objects.filter(service=service, is_active=True).only("pk")
    AccessLog.objects.write(
        AccessLog(
            user=user_of(request),
            person=p,
            what=what[:200],
            action=_read_kind(request),
            path=request.path[:500],
        )
        for p in people
    )


def get_evidence_for_user(
    request: HttpRequest,
    source: type[M] | QuerySet[M],
    pk: int,
    action: Action,
    *,
    what: str,
    log: bool = True,
    log_action: str | None = None,
) -> M:
    """A record about one person or a whole service (an evidence pack: `person` may be
    null, `service` is set), if the user may do `action` there. For a person's record the
    person's rules decide; for a service's, `services_for_user`. 404 when they may not see
    it at all, 403 when they may see it but not do this. The read is logged (for a
    service's record, for everyone supported there)."""
    queryset = source._default_manager.all() if isinstance(source, type) else source
    obj = queryset.select_related("person__service", "service").filter(pk=pk).first()
    if obj is None:
        raise Http404("No such record.")
    person: Person | None = obj.person  # type: ignore[attr-defined]
    service: Service = obj.service  # type: ignore[attr-defined]
    user = user_of(request)
    if person is not None:
        _decide(user, person, action)
        if log:
            _log_request(request, person, what, log_action)
        return obj
    if not services_for_user(user, action).filter(pk=service.pk).exists():
        if services_for_user(user, A.VIEW_EVIDENCE).filter(pk=service.pk).exists():
            raise PermissionDenied("Your role does not allow this in this service.")
        raise Http404("No such record.")
    if log and _is_read(request):
        log_service_read(request, service, what)
    return obj


def manageable_grants(user: User, service: Service) -> QuerySet[InspectorGrant]:
    """The inspector grants a manager of `service` may see and end."""
    if A.GRANT_ACCESS not in ROLE_ACTIONS.get(staff_role(user, service.pk) or "", frozenset()):
        raise PermissionDenied("Only a manager of this service can name inspectors.")
    return InspectorGrant.objects.filter(service=service).select_related(
        "grantee", "person", "granted_by", "revoked_by"
    )


def may_be_granted(account: User) -> bool:
    """An inspector or commissioner account stands outside the provider: no role in any
    service, no person's own login, no place in a circle of support."""
    if account.is_superuser or not account.is_active:
        return False
    if Membership.objects.filter(user=account).exists():
        return False
    if Person.objects.filter(login=account).exists():
        return False
    return not CircleMember.objects.filter(login=account).exists()


# Shared tablet -----------------------------------------------------------------------------


def may_start_tablet(user: User, person: Person) -> bool:
    """Staff who may take the person's check-in in their service may hand them a shared
    tablet, for a person (still supported here) who has no login of their own."""
    role = staff_role(user, person.service_id)
    return (
        person.is_active
        and person.login_id is None
        and role is not None
        and A.CHECK_IN in capabilities(user, person)
        and A.CHECK_IN in ROLE_ACTIONS[role]
    )
