"""Moving positive risk-taking into its own app, and the access log into coplan/access, loses
no data.

The models moved with state-only migrations on their old tables (support 0003, delivery 0005,
accounts 0003, risk 0001, access 0001); risk 0002 then drops IncidentLink.trigger, a real
schema change. This test empties the database, migrates it forward to where it stood before
the move, fills every moved table (and its simple-history table) through the historical
models, migrates on to the latest and reads each row back through today's models.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from coplan.access.models import AccessLog
from coplan.risk.models import (
    Competency,
    CompetencyResult,
    IncidentLink,
    PracticeSession,
    RiskPlan,
    RiskStage,
    StageChange,
    TravelCheckIn,
    TravelLog,
)

# A minute or more of migrating, for data moves whose logic is Python and whose schema
# changes are the same on both databases: run on SQLite, the first of CI's two runs, only.
pytestmark = pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="Migration data moves are proved on SQLite (the same Python, minutes to run).",
)

# Where the database stood before the move. Migrating forward from nothing to here, then on,
# is much quicker than unapplying the move from the latest state (for each migration it
# unapplies, Django renders and clones the whole project's state).
BEFORE_THE_MOVE = [
    ("accounts", "0002_initial"),
    ("support", "0002_riskplan_historicalriskstage_riskstage_and_more"),
    ("delivery", "0004_competencyresult_competency_and_more"),
]

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _empty_the_database():
    """Every table dropped, Django's record of migrations too: migrating starts from nothing."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys = OFF")
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
        cursor.execute("PRAGMA foreign_keys = ON")


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _state(executor):
    applied = list(executor.recorder.applied_migrations())
    return executor.loader.project_state(applied)


def _history(model, source, **extra):
    """A simple-history row for `source`, as the old app's historical model wrote it."""
    fields = {
        f.attname: getattr(source, f.attname)
        for f in source._meta.concrete_fields
        if f.attname in {h.attname for h in model._meta.concrete_fields}
    }
    return model.objects.create(
        **fields,
        history_date=extra.pop("history_date", T0),
        history_type=extra.pop("history_type", "+"),
        history_change_reason=extra.pop("history_change_reason", None),
        **extra,
    )


def _fill(apps):
    """One of everything that moved, with values a reader can check afterwards."""
    get = apps.get_model
    User = get("accounts", "User")
    org = get("accounts", "Organisation").objects.create(name="Riverside", slug="riverside")
    service = get("accounts", "Service").objects.create(organisation=org, name="Elm House")
    leader = User.objects.create(username="tariq", display_name="Tariq Leader", password="!")
    worker = User.objects.create(username="wendy", display_name="Wendy Worker", password="!")
    booking = get("accounts", "ShiftBooking").objects.create(
        user=worker, service=service, starts_at=T0, ends_at=T0 + timedelta(hours=8)
    )
    person = get("people", "Person").objects.create(
        service=service, given_name="Samuel", family_name="Taylor", preferred_name="Sam"
    )
    decision = get("planning", "Decision").objects.create(
        person=person,
        domain="risk",
        question="How can Sam travel to college on his own?",
        goal_kept="Get the bus to college on my own",
        agreed="Staged independence",
        status="agreed",
        agreed_by=leader,
        agreed_at=T0,
        created_by=leader,
    )

    plan = get("support", "RiskPlan").objects.create(
        person=person,
        decision=decision,
        title="Travelling to college",
        goal_kept="Get the bus to college on my own",
        safeguards="Phone charged; travel card in coat",
        created_by=leader,
        version=3,
    )
    stage_1 = get("support", "RiskStage").objects.create(
        plan=plan, number=1, title="Accompanied, with teaching", shown_in=3, of_last=4
    )
    stage_2 = get("support", "RiskStage").objects.create(
        plan=plan,
        number=2,
        title="Independent with check-ins",
        is_independent=True,
        check_in_points=[{"point": "Text from college", "minutes": 40}],
        check_in_grace_minutes=15,
        missed_check_in_action="Ring Sam, then college.",
    )
    plan.current_stage = stage_2
    plan.save(update_fields=["current_stage"])
    competency = get("support", "Competency").objects.create(
        stage=stage_1, position=1, text="Checks the bus time"
    )
    change = get("support", "StageChange").objects.create(
        plan=plan,
        from_stage=stage_1,
        to_stage=stage_2,
        direction="forward",
        decision=decision,
        changed_at=T0 + timedelta(days=20),
        changed_by=leader,
    )

    session = get("delivery", "PracticeSession").objects.create(
        person=person,
        plan=plan,
        stage=stage_1,
        route="Home to college",
        prompts_verbal=2,
        prompts_gestural=1,
        how_felt="confident",
        persons_words="I did the lights myself.",
        occurred_at=T0 + timedelta(days=1),
        recorded_by=worker,
        booking=booking,
        version=2,
    )
    result = get("delivery", "CompetencyResult").objects.create(
        session=session, competency=competency, shown=True, prompted=True
    )
    log = get("delivery", "TravelLog").objects.create(
        person=person,
        plan=plan,
        stage=stage_2,
        planned_route="Bus 12 to college",
        occurred_at=T0 + timedelta(days=21),
        returned_at=T0 + timedelta(days=21, hours=2),
        what_happened="Bus was late; texted anyway.",
        recorded_by=worker,
    )
    check_in = get("delivery", "TravelCheckIn").objects.create(
        log=log,
        point="Text from college",
        due_at=T0 + timedelta(days=21, minutes=40),
        missed_after=T0 + timedelta(days=21, minutes=55),
        made_at=T0 + timedelta(days=21, minutes=58),
        made_recorded_by=worker,
        follow_up="Rang Sam: on the bus.",
        followed_up_at=T0 + timedelta(days=21, minutes=57),
        followed_up_by=leader,
    )
    incident = get("delivery", "Incident").objects.create(
        person=person,
        incident_type="travel",
        severity="low",
        what_happened="Missed the stop",
        actions_taken="Talked it through",
        occurred_at=T0 + timedelta(days=22),
        recorded_by=worker,
    )
    trigger = get("reviews", "ReviewTrigger").objects.create(
        person=person,
        kind="incident",
        reason="Mini-review of the missed stop",
        due_on=date(2026, 4, 1),
        decision=decision,
    )
    link = get("delivery", "IncidentLink").objects.create(
        incident=incident, plan=plan, stage=stage_2, linked_by=worker, trigger=trigger
    )
    access = get("accounts", "AccessLog").objects.create(
        user=worker,
        person=person,
        action="print",
        what="Risk plan",
        path="/people/1/risk/1/",
        at=T0 + timedelta(days=3),
    )

    histories = {
        "riskplan": _history(
            get("support", "HistoricalRiskPlan"),
            plan,
            history_user=leader,
            history_type="~",
            history_change_reason="Stage 2 agreed",
        ),
        "riskstage": _history(get("support", "HistoricalRiskStage"), stage_2),
        "competency": _history(get("support", "HistoricalCompetency"), competency),
        "practicesession": _history(
            get("delivery", "HistoricalPracticeSession"), session, history_user=worker
        ),
        "competencyresult": _history(get("delivery", "HistoricalCompetencyResult"), result),
        "travellog": _history(get("delivery", "HistoricalTravelLog"), log),
        "travelcheckin": _history(get("delivery", "HistoricalTravelCheckIn"), check_in),
    }
    return {
        "plan": plan,
        "stage_1": stage_1,
        "stage_2": stage_2,
        "competency": competency,
        "change": change,
        "session": session,
        "result": result,
        "log": log,
        "check_in": check_in,
        "incident": incident,
        "trigger": trigger,
        "link": link,
        "access": access,
        "histories": histories,
    }


def _values(obj, *, skip=()):
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.attname not in skip
    }


def _assert_same(current_model, old, *, skip=()):
    """The row under today's model holds every value the old model wrote."""
    new = current_model.objects.get(pk=old.pk)
    expected = _values(old, skip=skip)
    got = {name: getattr(new, name) for name in expected}
    assert got == expected
    return new


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_migrates_forward_with_every_row():
    _empty_the_database()
    try:
        MigrationExecutor(connection).migrate(BEFORE_THE_MOVE)
        executor = MigrationExecutor(connection)  # it reads what is applied when made
        before = _state(executor)
        assert ("risk", "riskplan") not in before.models  # the move is still to come
        old = _fill(before.apps)
        # Forward from the state the rows were written in (already rendered, so Django does
        # not render it again).
        executor.migrate(_latest(), state=before)

        assert RiskPlan.objects.count() == 1
        assert RiskStage.objects.count() == 2
        assert Competency.objects.count() == 1
        assert StageChange.objects.count() == 1
        assert PracticeSession.objects.count() == 1
        assert CompetencyResult.objects.count() == 1
        assert TravelLog.objects.count() == 1
        assert TravelCheckIn.objects.count() == 1
        assert IncidentLink.objects.count() == 1
        assert AccessLog.objects.count() == 1

        plan = _assert_same(RiskPlan, old["plan"])
        assert (plan.title, plan.version, plan.current_stage_id) == (
            "Travelling to college",
            3,
            old["stage_2"].pk,
        )
        _assert_same(RiskStage, old["stage_1"])
        stage_2 = _assert_same(RiskStage, old["stage_2"])
        assert stage_2.check_in_points == [{"point": "Text from college", "minutes": 40}]
        _assert_same(Competency, old["competency"])
        _assert_same(StageChange, old["change"])
        session = _assert_same(PracticeSession, old["session"])
        assert (session.prompts_total, session.booking_id, session.persons_words) == (
            3,
            old["session"].booking_id,
            "I did the lights myself.",
        )
        result = _assert_same(CompetencyResult, old["result"])
        assert (result.shown, result.prompted, result.independent) == (True, True, False)
        log = _assert_same(TravelLog, old["log"])
        assert [c.pk for c in log.check_ins.all()] == [old["check_in"].pk]
        check_in = _assert_same(TravelCheckIn, old["check_in"])
        assert check_in.status == "late"
        # The trigger column went in risk 0002 (reviews finds the mini-review by its key);
        # the link and the trigger it pointed at both stay.
        link = _assert_same(IncidentLink, old["link"], skip={"trigger_id"})
        assert (link.incident.what_happened, link.plan_id) == ("Missed the stop", plan.pk)
        assert not any(f.name == "trigger" for f in IncidentLink._meta.get_fields())
        assert plan.person.review_triggers.get().pk == old["trigger"].pk
        access = _assert_same(AccessLog, old["access"])
        assert (access.action, access.what, access.user.username) == ("print", "Risk plan", "wendy")
        assert list(plan.person.access_logs.all()) == [access]

        histories = {
            "riskplan": RiskPlan,
            "riskstage": RiskStage,
            "competency": Competency,
            "practicesession": PracticeSession,
            "competencyresult": CompetencyResult,
            "travellog": TravelLog,
            "travelcheckin": TravelCheckIn,
        }
        for name, model in histories.items():
            written = old["histories"][name]
            assert model.history.count() == 1, name
            kept = _assert_same(model.history.model, written)
            assert kept.instance.pk == written.id, name
        plan_history = plan.history.get()
        assert (plan_history.history_type, plan_history.history_change_reason) == (
            "~",
            "Stage 2 agreed",
        )
        assert plan_history.history_user.username == "tariq"
        assert plan_history.instance.title == "Travelling to college"
        assert session.history.get().history_user.username == "wendy"
    finally:
        MigrationExecutor(connection).migrate(_latest())  # the suite goes on at the latest
