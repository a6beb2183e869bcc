"""The models and the migrations agree: `make test` builds its databases from the models, and
a deployment builds its database from the migrations, so a model change without its
migration would pass the suite and break the deployment."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=0)
    except SystemExit as stop:  # --check exits 1 when a migration is missing
        pytest.fail(f"A model changed without a migration (makemigrations --check: {stop.code})")


@pytest.mark.django_db
def test_the_suites_database_is_recorded_at_every_migration():
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    assert (
        "support",
        "0006_pictures_for_activities_and_goals",
    ) in executor.loader.applied_migrations
