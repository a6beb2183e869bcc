"""A database made before staff instructions kept versions migrates forward with what every
instruction said: its text and the decisions it cited become its versions, one for each
state its change history shows, and the newest is the one in force."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from coplan.support.models import StaffInstruction
from tests.support.factories import agreed_decision

# Minutes of migrating back and forth, for data moves whose logic is Python and whose schema
# changes are the same on both databases: run on SQLite, the first of CI's two runs, only.
pytestmark = pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="Migration data moves are proved on SQLite (the same Python, minutes to run).",
)

BEFORE = [
    ("support", "0003_risk_models_moved_to_risk"),
    ("delivery", "0005_risk_models_moved_to_risk"),
]


def _executor() -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    if ("support", "0004_plan_versions_instruction_versions") not in executor.loader.graph.nodes:
        pytest.skip("Migrations are switched off in this run (--nomigrations).")
    return executor


@pytest.mark.django_db(transaction=True)
def test_instructions_made_before_versions_keep_their_text_decisions_and_history(world):
    first = agreed_decision(world.person, world.manager, "How to wake Sam?")
    second = agreed_decision(world.person, world.manager, "Lamp or big light?")
    executor = _executor()
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Instruction = old.get_model("support", "StaffInstruction")
    Historical = old.get_model("support", "HistoricalStaffInstruction")
    HistoricalCited = old.get_model("support", "HistoricalStaffInstruction_decisions")
    made = timezone.now() - timedelta(days=20)
    edited = timezone.now() - timedelta(days=5)
    instruction = Instruction.objects.create(
        person_id=world.person.pk,
        category="sensory",
        title="Light",
        text="Use the lamp.",
        is_active=True,
        created_by_id=world.team_leader.pk,
    )
    instruction.decisions.set([second.pk])
    fields = {
        "id": instruction.pk,
        "uid": instruction.uid,
        "category": "sensory",
        "title": "Light",
        "is_active": True,
        "person_id": world.person.pk,
        "created_by_id": world.team_leader.pk,
        "created_at": made,
        "updated_at": made,
    }
    rows = [
        # Saved, then its decision cited a moment later, as the old service did.
        Historical(**fields, version=1, text="Quiet please.", history_date=made, history_type="+"),
        Historical(
            **fields,
            version=1,
            text="Quiet please.",
            history_date=made + timedelta(seconds=1),
            history_type="~",
            history_user_id=world.team_leader.pk,
        ),
        Historical(
            **fields,
            version=2,
            text="Use the lamp.",
            history_date=edited,
            history_type="~",
            history_user_id=world.manager.pk,
        ),
    ]
    for row in rows:
        row.save()
    for through_id, (row, decision) in enumerate([(rows[1], first), (rows[2], second)], start=1):
        HistoricalCited.objects.create(
            id=through_id, history=row, staffinstruction_id=instruction.pk, decision_id=decision.pk
        )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    migrated = StaffInstruction.objects.get(pk=instruction.pk)
    assert (migrated.title, migrated.category, migrated.is_active) == ("Light", "sensory", True)
    versions = list(migrated.versions.order_by("number"))
    assert [(v.number, v.text, v.is_current) for v in versions] == [
        (1, "Quiet please.", False),
        (2, "Use the lamp.", True),
    ]
    assert [list(v.decisions.all()) for v in versions] == [[first], [second]]
    assert (versions[0].created_by, versions[1].created_by) == (world.team_leader, world.manager)
    assert versions[1].effective_from == edited and versions[1].created_at == edited
