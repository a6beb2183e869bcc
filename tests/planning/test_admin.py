import pytest
from django.urls import reverse

from coplan.accounts.models import User
from coplan.planning.models import Decision


@pytest.fixture
def superuser_client(world):
    user = User.objects.create_superuser("root", "root@example.org", "x-long-password-1")
    return world.client_for(user)


def test_admin_shows_an_agreed_decision_read_only(superuser_client, agreed):
    change = reverse("admin:planning_decision_change", args=[agreed.pk])
    page = superuser_client.get(change)
    assert page.status_code == 200
    assert 'name="question"' not in page.content.decode()
    response = superuser_client.post(change, {"question": "Changed in admin"})
    assert response.status_code == 403
    agreed.refresh_from_db()
    assert agreed.question == "How should Sam's mornings go?"


def test_admin_cannot_delete_an_agreed_decision(superuser_client, agreed):
    delete = reverse("admin:planning_decision_delete", args=[agreed.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    assert Decision.objects.filter(pk=agreed.pk).exists()


def test_admin_has_no_bulk_delete_for_decisions(superuser_client, agreed):
    response = superuser_client.post(
        reverse("admin:planning_decision_changelist"),
        {"action": "delete_selected", "_selected_action": [agreed.pk], "post": "yes"},
    )
    assert Decision.objects.filter(pk=agreed.pk).exists()
    assert response.status_code in (200, 302)


def test_admin_edits_a_draft_through_the_service(superuser_client, draft):
    change = reverse("admin:planning_decision_change", args=[draft.pk])
    page = superuser_client.get(change)
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update({"question": "Edited in admin", "capacity": "assumed", "domain": "support"})
    for prefix in ("options", "participants"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = superuser_client.post(change, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert (draft.question, draft.version) == ("Edited in admin", 2)
