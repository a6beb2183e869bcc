"""Every write to the planning stage: sessions, views before a session, decisions (with
their options and participants), goals, progress and the contingency plan.

Forms, the API, the admin and the demo seed all call these functions, so the web and the
API refuse the same bad input with the same message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, TypedDict, TypeVar, Unpack

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from coplan.access import rules as access
from coplan.access.rules import Speaker
from coplan.accounts.models import Organisation, User
from coplan.lib.errors import Conflict
from coplan.lib.models import check_plain_text
from coplan.lib.services import apply_and_save, refuse_if_stale
from coplan.people.models import CircleMember, Person
from coplan.planning.models import (
    AgendaPrompt,
    ContingencyPlan,
    CoproductionSession,
    Decision,
    DecisionOption,
    DecisionParticipant,
    Domain,
    Goal,
    GoalAction,
    GoalProgress,
    ParticipantKind,
    SessionChoice,
    SessionInvitee,
    SessionView,
)

M = TypeVar("M", bound=models.Model)

AGREED_CANNOT_CHANGE = (
    "This decision has been agreed and cannot be changed. Supersede it with a new decision instead."
)


class SessionFields(TypedDict, total=False):
    purpose: str
    domain: str
    is_risk_workshop: bool
    scheduled_for: datetime
    location: str
    prompts: list[str]
    information_prepared: str
    information_formats: list[str]
    status: str
    held_at: datetime | None
    notes: str


class DecisionFields(TypedDict, total=False):
    session: CoproductionSession | None
    domain: str
    question: str
    what_matters: str
    goal_kept: str
    agreed: str
    reason: str
    persons_words: str
    person_agrees: str
    why_person_not_involved: str
    information_withheld: str
    more_restrictive_reason: str
    final_say: str
    capacity: str
    capacity_notes: str
    bi_practicable_steps: str
    bi_encouraged: str
    bi_wishes: str
    bi_others_views: str
    bi_least_restrictive: str
    review_by: date | None
    review_triggers: str


class GoalFields(TypedDict, total=False):
    in_own_words: str
    importance: int
    success_looks_like: str
    measure: str
    measure_unit: str
    target_value: int | None
    scale_max: int | None
    checklist: list[str]
    target_date: date | None
    status: str
    status_reason: str


class ContingencyFields(TypedDict, total=False):
    triggers: str
    what_should_happen: str
    who_to_contact: str
    coping_strategies: str


class PromptFields(TypedDict, total=False):
    domain: str
    text: str
    is_active: bool
    position: int


Row = Mapping[
    str, Any
]  # a child row (option, participant, action...) as a form or the API sends it

SESSION_FIELDS = frozenset(SessionFields.__annotations__)
DECISION_FIELDS = frozenset(DecisionFields.__annotations__)
GOAL_FIELDS = frozenset(GoalFields.__annotations__)
CONTINGENCY_FIELDS = frozenset(ContingencyFields.__annotations__)
PROMPT_FIELDS = frozenset(PromptFields.__annotations__)
CHOICE_FIELDS = {"label", "detail", "picture", "position"}
INVITEE_FIELDS = {"kind", "name", "circle_member", "user", "took_part", "how"}
# A superseding draft starts from these; who took part, what the person said and agreed,
# the final say and the review are the new decision's own, recorded afresh.
CARRIED_OVER = ["domain", "question", "what_matters", "goal_kept"]
BEST_INTERESTS_FIELDS = [
    "bi_practicable_steps",
    "bi_encouraged",
    "bi_wishes",
    "bi_others_views",
    "bi_least_restrictive",
]
OPTION_FIELDS = {
    "label",
    "description",
    "benefits",
    "risks",
    "safeguards",
    "proposed_by",
    "restrictiveness",
    "is_workable",
    "is_chosen",
    "position",
}
PARTICIPANT_FIELDS = {"kind", "name", "role", "how", "circle_member", "user"}
ACTION_FIELDS = {"what", "who", "when", "review_on", "is_done"}
AGREE_NOT_CONFIRMED = (
    "Tick the box to confirm you have checked who took part and how, what the person said, "
    "the options and the one chosen: once agreed, the decision cannot be changed."
)

DEFAULT_PROMPTS: dict[str, list[str]] = {
    Domain.GOALS: [
        "What matters most to you right now?",
        "What would you like to be doing in a year?",
        "What are you proud of?",
        "What would make this week a good week?",
    ],
    Domain.SUPPORT: [
        "What does a good morning look like for you?",
        "What does a bad morning look like?",
        "What should staff say, and what should they never say?",
        "Who do you like to help you, and how?",
        "What do you want to choose for yourself every day?",
    ],
    Domain.RISK: [
        "What do you want to be able to do?",
        "What could go wrong, and how likely is it?",
        "What would help you do it safely?",
        "What is the least restrictive way to try?",
        "What should happen if something goes wrong?",
    ],
    Domain.REVIEW: [
        "What have we tried since last time?",
        "What have we learned?",
        "What are we pleased about?",
        "What are we worried about?",
        "How will we know it is working?",
    ],
}


def _only(fields: Mapping[str, Any], allowed: frozenset[str] | set[str], what: str) -> dict:
    """Typed keyword arguments are not checked at run time; a misspelt field is a bug in the
    caller, so it fails loudly rather than being dropped."""
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"{what} does not take: {', '.join(sorted(unknown))}")
    return dict(fields)


def _clean_row(row: Row, allowed: set[str]) -> tuple[int | None, dict[str, Any]]:
    row = dict(row)
    pk = row.pop("id", None)
    row.pop("DELETE", None)
    return (int(pk) if pk else None), {k: v for k, v in row.items() if k in allowed}


def _rows(rows: Iterable[Row], allowed: set[str]) -> list[tuple[int | None, dict[str, Any]]]:
    out = []
    for position, raw in enumerate(rows):
        pk, data = _clean_row(raw, allowed)
        if "position" in allowed and "position" not in data:
            data["position"] = position
        out.append((pk, data))
    return out


def _sync_children(
    *,
    model: type[models.Model],
    parent_field: str,
    parent: models.Model,
    rows: Iterable[Row],
    allowed: set[str],
) -> bool:
    """Make the parent's children exactly `rows`: a row with an `id` of an existing child
    updates it, a row without one adds a child, children not named are removed. Only
    children that change are saved. Says whether anything changed."""
    existing = {obj.pk: obj for obj in model.objects.filter(**{parent_field: parent})}
    changed = False
    for pk, data in _rows(rows, allowed):
        obj = existing.pop(pk, None) if pk else None
        if obj is None:
            obj = model(**{parent_field: parent})
        elif all(getattr(obj, name) == value for name, value in data.items()):
            continue
        for name, value in data.items():
            setattr(obj, name, value)
        check_plain_text(obj)
        obj.full_clean()
        obj.save()
        changed = True
    for obj in existing.values():
        obj.delete()
        changed = True
    return changed


def _rows_unchanged(queryset: models.QuerySet, rows: Iterable[Row], allowed: set[str]) -> bool:
    existing = {obj.pk: obj for obj in queryset}
    wanted = _rows(rows, allowed)
    return len(wanted) == len(existing) and all(
        pk in existing and all(getattr(existing[pk], k) == v for k, v in data.items())
        for pk, data in wanted
    )


def _check_circle_links(person: Person, rows: Iterable[Row]) -> None:
    for row in rows:
        member = row.get("circle_member")
        if member is not None and member.person_id != person.pk:
            raise ValidationError({"circle_member": "Pick someone from this person's circle."})


def _proposed(stored: M, fields: Mapping[str, Any]) -> M:
    """The stored record with the caller's changes applied, on a copy that is never saved."""
    proposed = type(stored)(**{f.attname: getattr(stored, f.attname) for f in stored._meta.fields})
    for name, value in fields.items():
        setattr(proposed, name, value)
    return proposed


def _locked(record: M, based_on: int | None, fields: Mapping[str, Any]) -> M:
    """The record's row, locked, after refusing a change based on an older version."""
    stored = type(record)._base_manager.select_for_update().get(pk=record.pk)
    refuse_if_stale(stored, based_on, yours=_proposed(stored, fields), fields=fields)
    return stored


# Agenda prompt library -----------------------------------------------------------------


@transaction.atomic
def prompt_create(
    *, organisation: Organisation, by: User, **fields: Unpack[PromptFields]
) -> AgendaPrompt:
    _only(fields, PROMPT_FIELDS, "An agenda prompt")
    return apply_and_save(AgendaPrompt(organisation=organisation), dict(fields))


@transaction.atomic
def prompt_update(
    *, prompt: AgendaPrompt, by: User, **fields: Unpack[PromptFields]
) -> AgendaPrompt:
    _only(fields, PROMPT_FIELDS, "An agenda prompt")
    return apply_and_save(prompt, dict(fields))


@transaction.atomic
def prompt_library_seed_defaults(*, organisation: Organisation) -> int:
    """Add the default prompts the organisation does not have yet. Returns how many."""
    have = set(AgendaPrompt.objects.filter(organisation=organisation).values_list("domain", "text"))
    added = 0
    for domain, texts in DEFAULT_PROMPTS.items():
        for position, text in enumerate(texts):
            if (str(domain), text) in have:
                continue
            AgendaPrompt.objects.create(
                organisation=organisation, domain=domain, text=text, position=position
            )
            added += 1
    return added


# Co-production sessions ----------------------------------------------------------------


@transaction.atomic
def session_create(
    *,
    person: Person,
    by: User,
    choices: Iterable[Row] = (),
    invitees: Iterable[Row] = (),
    **fields: Unpack[SessionFields],
) -> CoproductionSession:
    _only(fields, SESSION_FIELDS, "A session")
    invitees = list(invitees)
    _check_circle_links(person, invitees)
    session = apply_and_save(CoproductionSession(person=person, created_by=by), dict(fields), by=by)
    _sync_children(
        model=SessionChoice,
        parent_field="session",
        parent=session,
        rows=choices,
        allowed=CHOICE_FIELDS,
    )
    _sync_children(
        model=SessionInvitee,
        parent_field="session",
        parent=session,
        rows=invitees,
        allowed=INVITEE_FIELDS,
    )
    return session


@transaction.atomic
def session_update(
    *,
    session: CoproductionSession,
    by: User,
    based_on: int | None = None,
    choices: Iterable[Row] | None = None,
    invitees: Iterable[Row] | None = None,
    **fields: Unpack[SessionFields],
) -> CoproductionSession:
    """Change a session. A change based on a version someone has since replaced is refused
    (StaleVersion) before anything is written; the version rises once, whether the change
    was to the session, its choices or who is invited."""
    _only(fields, SESSION_FIELDS, "A session")
    locked = _locked(session, based_on, fields)
    children_changed = False
    if choices is not None:
        children_changed |= _sync_children(
            model=SessionChoice,
            parent_field="session",
            parent=locked,
            rows=choices,
            allowed=CHOICE_FIELDS,
        )
    if invitees is not None:
        invitees = list(invitees)
        _check_circle_links(locked.person, invitees)
        children_changed |= _sync_children(
            model=SessionInvitee,
            parent_field="session",
            parent=locked,
            rows=invitees,
            allowed=INVITEE_FIELDS,
        )
    apply_and_save(locked, dict(fields), based_on=based_on, by=by, touch=children_changed)
    session.version = locked.version
    return locked


@transaction.atomic
def session_record_taking_part(
    *,
    session: CoproductionSession,
    by: User,
    attendance: Iterable[Row],
    held_at: datetime | None = None,
    notes: str | None = None,
    based_on: int | None = None,
) -> CoproductionSession:
    """After the session: who took part and how. Marks the session held."""
    fields: dict[str, Any] = {"status": CoproductionSession.Status.HELD}
    if notes is not None:
        fields["notes"] = notes
    session = _locked(session, based_on, fields)
    invitees = {i.pk: i for i in session.invitees.all()}
    errors: list[str] = []
    for row in attendance:
        invitee = invitees.get(int(row.get("id") or 0))
        if invitee is None:
            raise ValidationError("That invitee is not on this session.")
        invitee.took_part = row.get("took_part")
        invitee.how = row.get("how") or ""
        if invitee.took_part and not invitee.how:
            errors.append(f"Say how {invitee.name} took part.")
        invitee.full_clean()
        invitee.save(update_fields=["took_part", "how", "updated_at"])
    if errors:
        raise ValidationError(errors)
    fields["held_at"] = held_at or session.held_at or timezone.now()
    return apply_and_save(session, fields, based_on=based_on, by=by, touch=True)


@transaction.atomic
def session_view_add(
    *,
    session: CoproductionSession,
    by: User,
    text: str,
    how_given: str = "",
    on_behalf_of: str | None = None,
) -> SessionView:
    """A view before the session. From the person's or a circle member's own login it is
    theirs; staff write a view down on someone's behalf (`on_behalf_of` is "person" or
    "circle:<id>") or give their own ("self"), and the record says who wrote it."""
    person = session.person
    fields: dict[str, Any] = {"text": text, "how_given": how_given, "recorded_by": by}
    voice = access.voice_of(by, person)
    if voice.speaker == Speaker.PERSON:
        fields |= {"author_kind": ParticipantKind.PERSON, "author_name": person.called}
    elif voice.circle_member is not None:
        fields |= {
            "author_kind": ParticipantKind.CIRCLE,
            "author_name": voice.circle_member.name,
            "circle_member": voice.circle_member,
        }
    elif on_behalf_of == "person":
        fields |= {
            "author_kind": ParticipantKind.PERSON,
            "author_name": person.called,
            "on_behalf": True,
        }
    elif on_behalf_of and on_behalf_of.startswith("circle:"):
        member = CircleMember.objects.filter(
            person=person, pk=on_behalf_of.removeprefix("circle:") or 0
        ).first()
        if member is None:
            raise ValidationError({"on_behalf_of": "Pick someone from this person's circle."})
        fields |= {
            "author_kind": ParticipantKind.CIRCLE,
            "author_name": member.name,
            "circle_member": member,
            "on_behalf": True,
        }
    elif on_behalf_of == "self":
        fields |= {"author_kind": ParticipantKind.STAFF, "author_name": by.name}
    else:
        raise ValidationError({"on_behalf_of": "Say whose view this is."})
    if not (text or "").strip():
        raise ValidationError({"text": "Write down the view."})
    return apply_and_save(SessionView(session=session), fields, by=by)


# Decisions -----------------------------------------------------------------------------


def ensure_draft(decision: Decision) -> None:
    """Agreed decisions are never edited: a change is a new decision that supersedes it."""
    if decision.status != Decision.Status.DRAFT:
        raise Conflict(AGREED_CANNOT_CHANGE, code="decision_agreed")


def _check_decision_input(
    person: Person,
    fields: Mapping[str, Any],
    options: list[Row] | None,
    participants: list[Row] | None,
) -> None:
    _only(fields, DECISION_FIELDS, "A decision")
    session = fields.get("session")
    if session is not None and session.person_id != person.pk:
        raise ValidationError({"session": "Pick one of this person's sessions."})
    if options is not None:
        chosen = [o for o in options if o.get("is_chosen") and not o.get("DELETE")]
        if len(chosen) > 1:
            raise ValidationError({"options": "Only one option can be marked as chosen."})
    if participants is not None:
        _check_circle_links(person, participants)


def _save_options(decision: Decision, options: list[Row]) -> bool:
    """Says whether the options changed. A row that does not say it is chosen is not."""
    rows = [{"is_chosen": False, **row} for row in options]
    if _rows_unchanged(decision.options.all(), rows, OPTION_FIELDS):
        return False
    # Clear every choice first, so moving the choice from one option to another never
    # trips the one-chosen-option constraint half way through.
    DecisionOption.objects.filter(decision=decision, is_chosen=True).update(is_chosen=False)
    _sync_children(
        model=DecisionOption,
        parent_field="decision",
        parent=decision,
        rows=rows,
        allowed=OPTION_FIELDS,
    )
    return True


def _save_participants(decision: Decision, participants: list[Row]) -> bool:
    return _sync_children(
        model=DecisionParticipant,
        parent_field="decision",
        parent=decision,
        rows=participants,
        allowed=PARTICIPANT_FIELDS,
    )


@transaction.atomic
def decision_create(
    *,
    person: Person,
    by: User,
    options: Iterable[Row] = (),
    participants: Iterable[Row] = (),
    **fields: Unpack[DecisionFields],
) -> Decision:
    options, participants = list(options), list(participants)
    _check_decision_input(person, fields, options, participants)
    decision = apply_and_save(Decision(person=person, created_by=by), dict(fields), by=by)
    _save_options(decision, options)
    _save_participants(decision, participants)
    return decision


@transaction.atomic
def decision_update(
    *,
    decision: Decision,
    by: User,
    based_on: int | None = None,
    options: Iterable[Row] | None = None,
    participants: Iterable[Row] | None = None,
    **fields: Unpack[DecisionFields],
) -> Decision:
    """Change a draft. Refused if it has been agreed, or if the change was based on a
    version someone has since replaced (StaleVersion); the version rises once, whether the
    change was to the decision, its options or who took part."""
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    ensure_draft(locked)
    refuse_if_stale(locked, based_on, yours=_proposed(locked, fields), fields=fields)
    options = list(options) if options is not None else None
    participants = list(participants) if participants is not None else None
    _check_decision_input(locked.person, fields, options, participants)
    children_changed = False
    if options is not None:
        children_changed |= _save_options(locked, options)
    if participants is not None:
        children_changed |= _save_participants(locked, participants)
    apply_and_save(locked, dict(fields), based_on=based_on, by=by, touch=children_changed)
    decision.version = locked.version
    return locked


def decision_problems(decision: Decision) -> dict[str, list[str]]:
    """What stops this draft being agreed, by field. Empty when it can be agreed. The same
    rules hold for a new decision and for one that supersedes another."""
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    options = list(decision.options.all())
    if len(options) < 2:
        add("options", "Record at least two options that were discussed.")
    chosen = [o for o in options if o.is_chosen]
    if len(chosen) != 1:
        add("options", "Mark exactly one option as the one chosen.")
    if not decision.reason.strip():
        add("reason", "Say why this was agreed.")
    participants = list(decision.participants.all())
    if not any(p.kind != ParticipantKind.STAFF for p in participants) and not (
        decision.why_person_not_involved.strip()
    ):
        add(
            "participants",
            "Record at least one participant who is not staff (the person, their circle or "
            "another professional), or say why the person could not take part.",
        )
    if decision.review_by is None and not decision.review_triggers.strip():
        add("review_by", "Give a review-by date or what would make us review it sooner.")
    if decision.capacity == Decision.Capacity.BEST_INTERESTS:
        for name in BEST_INTERESTS_FIELDS:
            if not getattr(decision, name).strip():
                label = Decision._meta.get_field(name).verbose_name
                add(name, f"For a best-interests decision, record {label}.")
    if decision.domain == Domain.RISK and options:
        ranks = [o.restrictiveness for o in options]
        if None in ranks:
            add(
                "options",
                "For a risk decision, rank every option from most restrictive (1) to least "
                "restrictive.",
            )
        elif len(set(ranks)) != len(ranks):
            add("options", "Give each option a different restrictiveness rank.")
        elif len(chosen) == 1:
            pick = chosen[0]
            freer = [
                o for o in options if o.is_workable and o.restrictiveness > pick.restrictiveness
            ]
            if freer and not decision.more_restrictive_reason.strip():
                add(
                    "more_restrictive_reason",
                    f"The chosen option is more restrictive than “{freer[0].label}”, which "
                    "was marked workable: say why a more restrictive option was chosen.",
                )
    return problems


@transaction.atomic
def decision_agree(
    *, decision: Decision, by: User, confirmed: bool, based_on: int | None = None
) -> Decision:
    """Sign off a draft (team leader or manager). Agreeing locks the decision for good, so it
    is a deliberate step: `confirmed` says the signer saw what will be locked, and
    `based_on` the version they saw (a draft changed since is refused). If it supersedes an
    agreed decision, that one becomes superseded in the same transaction."""
    if not confirmed:
        raise ValidationError({"confirmed": AGREE_NOT_CONFIRMED})
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    if locked.status != Decision.Status.DRAFT:
        raise Conflict("This decision has already been agreed.", code="decision_agreed")
    refuse_if_stale(locked, based_on)
    problems = decision_problems(locked)
    if problems:
        raise ValidationError(problems)
    if locked.supersedes_id:
        old = Decision.objects.select_for_update().get(pk=locked.supersedes_id)
        if old.status != Decision.Status.AGREED:
            raise Conflict("The decision this one replaces is no longer the agreed one.")
        apply_and_save(old, {"status": Decision.Status.SUPERSEDED}, by=by)
    agreed = apply_and_save(
        locked,
        {"status": Decision.Status.AGREED, "agreed_by": by, "agreed_at": timezone.now()},
        by=by,
    )
    decision.version = agreed.version
    return agreed


@transaction.atomic
def decision_supersede(*, decision: Decision, by: User) -> Decision:
    """Start a new draft that will replace an agreed decision. It carries over the question,
    its context, what matters to the person, the goals it serves and the options weighed
    (each marked as carried over, none chosen); who takes part, what the person says and
    agrees, the final say and the review are its own, so it starts without them and the
    agreement rules hold for it as for any new decision. Both decisions stay on record.

    Only one successor may exist: the row lock makes a second caller wait and then see the
    first one's draft, and the one-to-one `supersedes` key holds it in the database
    whatever happens."""
    old = Decision.objects.select_for_update().get(pk=decision.pk)
    if old.status != Decision.Status.AGREED:
        raise Conflict(
            "Only an agreed decision can be superseded; edit this draft instead."
            if old.status == Decision.Status.DRAFT
            else "This decision has already been superseded.",
            code="not_agreed",
        )
    successor = Decision.objects.filter(supersedes=old).first()
    if successor is not None:
        raise Conflict(
            f"A new decision replacing this one is already being drafted (decision "
            f"{successor.pk}). Open that draft instead.",
            code="already_superseded",
        )
    new = Decision(
        person=old.person,
        created_by=by,
        supersedes=old,
        **{name: getattr(old, name) for name in CARRIED_OVER},
    )
    new._history_user = by  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            new.full_clean(validate_unique=False)
            new.save()
    except IntegrityError as exc:
        raise Conflict(
            "A new decision replacing this one is already being drafted. Open that draft instead.",
            code="already_superseded",
        ) from exc
    for option in old.options.all():
        DecisionOption.objects.create(
            decision=new,
            carried_over_from=old,
            is_chosen=False,
            **{name: getattr(option, name) for name in OPTION_FIELDS - {"is_chosen"}},
        )
    for goal in old.goals.all():
        goal.decisions.add(new)
        apply_and_save(goal, {}, by=by, touch=True)  # a goal's links are part of the goal
    return new


@transaction.atomic
def decision_delete(*, decision: Decision, by: User) -> None:
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    ensure_draft(locked)
    locked.delete()


# Goals ---------------------------------------------------------------------------------


def _check_goal(goal: Goal, decisions: list[Decision] | None) -> None:
    errors: dict[str, str] = {}
    if goal.status in (Goal.Status.PAUSED, Goal.Status.DROPPED) and not goal.status_reason.strip():
        errors["status_reason"] = f"Say why the goal is {goal.get_status_display().lower()}."
    if goal.measure == Goal.Measure.RATING and not goal.scale_max:
        errors["scale_max"] = "For a rating, give the top of the scale (2 to 10)."
    if goal.measure == Goal.Measure.CHECKLIST and not [i for i in goal.checklist if i]:
        errors["checklist"] = "For a checklist, list the items, one a line."
    if decisions and any(d.person_id != goal.person_id for d in decisions):
        errors["decisions"] = "Link only this person's decisions."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def goal_create(
    *,
    person: Person,
    by: User,
    actions: Iterable[Row] = (),
    decisions: Iterable[Decision] = (),
    **fields: Unpack[GoalFields],
) -> Goal:
    _only(fields, GOAL_FIELDS, "A goal")
    decisions = list(decisions)
    goal = Goal(person=person, created_by=by)
    for name, value in fields.items():
        setattr(goal, name, value)
    _check_goal(goal, decisions)
    apply_and_save(goal, {}, by=by)
    goal.decisions.set(decisions)
    _sync_children(
        model=GoalAction, parent_field="goal", parent=goal, rows=actions, allowed=ACTION_FIELDS
    )
    return goal


@transaction.atomic
def goal_update(
    *,
    goal: Goal,
    by: User,
    based_on: int | None = None,
    actions: Iterable[Row] | None = None,
    decisions: Iterable[Decision] | None = None,
    **fields: Unpack[GoalFields],
) -> Goal:
    """Change a goal, its actions or the decisions it is linked to. A change based on a
    version someone has since replaced is refused (StaleVersion) before anything is
    written; the version rises once per change."""
    _only(fields, GOAL_FIELDS, "A goal")
    locked = _locked(goal, based_on, fields)
    decisions = list(decisions) if decisions is not None else None
    checked = Goal(**{f.attname: getattr(locked, f.attname) for f in Goal._meta.fields})
    for name, value in fields.items():
        setattr(checked, name, value)
    _check_goal(checked, decisions)
    children_changed = False
    if decisions is not None:
        before = set(locked.decisions.values_list("pk", flat=True))
        if before != {d.pk for d in decisions}:
            locked.decisions.set(decisions)
            children_changed = True
    if actions is not None:
        children_changed |= _sync_children(
            model=GoalAction,
            parent_field="goal",
            parent=locked,
            rows=actions,
            allowed=ACTION_FIELDS,
        )
    apply_and_save(locked, dict(fields), based_on=based_on, by=by, touch=children_changed)
    goal.version = locked.version
    return locked


@transaction.atomic
def goal_progress_add(
    *,
    goal: Goal,
    by: User,
    recorded_on: date | None = None,
    value: int | None = None,
    checklist_done: Iterable[str] = (),
    note: str = "",
    persons_words: str = "",
) -> GoalProgress:
    entry = GoalProgress(
        goal=goal,
        recorded_by=by,
        recorded_on=recorded_on or timezone.localdate(),
        value=value,
        note=note,
        persons_words=persons_words,
    )
    if goal.measure == Goal.Measure.CHECKLIST:
        done = list(checklist_done or [])
        unknown = [item for item in done if item not in goal.checklist]
        if unknown:
            raise ValidationError({"checklist_done": "Tick only items on the goal's checklist."})
        entry.checklist_done = [item for item in goal.checklist if item in done]
        entry.value = None
    elif value is None:
        raise ValidationError({"value": f"Give the {goal.get_measure_display().lower()}."})
    elif goal.measure == Goal.Measure.RATING and not 1 <= value <= (goal.scale_max or 10):
        raise ValidationError({"value": f"Give a rating from 1 to {goal.scale_max}."})
    elif goal.measure == Goal.Measure.COUNT and value < 0:
        raise ValidationError({"value": "A count cannot be below 0."})
    check_plain_text(entry)
    entry.full_clean()
    entry.save()
    return entry


# Contingency plan ----------------------------------------------------------------------


@transaction.atomic
def contingency_plan_save(
    *,
    person: Person,
    by: User,
    based_on: int | None = None,
    **fields: Unpack[ContingencyFields],
) -> ContingencyPlan:
    _only(fields, CONTINGENCY_FIELDS, "A contingency plan")
    plan = ContingencyPlan.objects.select_for_update().filter(person=person).first()
    return apply_and_save(
        plan or ContingencyPlan(person=person), dict(fields), based_on=based_on, by=by
    )
