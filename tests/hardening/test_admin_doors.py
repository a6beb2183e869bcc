"""The Django admin has no side door to care records: the admin role makes API tokens only
for itself, cannot raise itself or others above what it holds, cannot take over an account
that holds more, and sees no care record there; care records are read-only there (a draft
decision is edited through the services), and only for superusers."""

import logging

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from coplan.accounts.models import ApiToken, Membership, User
from coplan.accounts.services import api_token_create
from coplan.planning import services as planning_services

Role = Membership.Role


@pytest.fixture
def admin_client(world) -> Client:
    """The organisation's admin, as seed_demo makes them: staff, with every accounts
    permission, and (to show it does not matter) view permission on the care records."""
    admin = world.admin
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    admin.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["accounts", "planning", "reviews", "access"]
        )
    )
    return world.client_for(admin)


@pytest.fixture
def superuser(world) -> User:
    return User.objects.create_superuser("root", "root@example.org", "x-long-password-1")


def test_admin_role_cannot_make_a_token_for_another_user(world, admin_client):
    response = admin_client.post(
        reverse("admin:accounts_apitoken_add"), {"user": world.manager.pk, "name": "Sneaky"}
    )
    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=world.manager).exists()
    token = ApiToken.objects.get(name="Sneaky")
    assert token.user == world.admin  # the form has no user field: a token is for oneself


def test_admin_role_sees_neither_another_users_tokens_nor_their_secret(world, admin_client):
    token, secret = api_token_create(user=world.manager, name="Manager's phone")
    listing = admin_client.get(reverse("admin:accounts_apitoken_changelist")).content.decode()
    assert "Manager&#x27;s phone" not in listing and "Manager's phone" not in listing
    change = admin_client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
    assert change.status_code in (302, 404)
    assert secret not in change.content.decode()


def test_admin_role_cannot_revoke_another_users_token(world, admin_client):
    token, _ = api_token_create(user=world.manager, name="Manager's phone")
    admin_client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is None


def test_superuser_may_make_a_token_for_another_user_and_it_is_logged(world, superuser, caplog):
    client = world.client_for(superuser)
    with caplog.at_level(logging.WARNING, logger="coplan.access.admin"):
        response = client.post(
            reverse("admin:accounts_apitoken_add"), {"user": world.manager.pk, "name": "For Mona"}
        )
    assert response.status_code == 302
    token = ApiToken.objects.get(name="For Mona")
    assert token.user == world.manager
    assert f"made API token {token.pk} for user {world.manager.pk}" in caplog.text


def _user_form(client: Client, user: User) -> dict:
    page = client.get(reverse("admin:accounts_user_change", args=[user.pk]))
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        data[name] = value
    data["memberships-TOTAL_FORMS"] = "0"
    data["memberships-INITIAL_FORMS"] = "0"
    return data


def test_admin_cannot_make_themself_superuser_or_grant_permissions(world, admin_client):
    perms_before = set(world.admin.user_permissions.values_list("pk", flat=True))
    data = _user_form(admin_client, world.admin)
    data.update(
        {
            "is_superuser": "on",
            "user_permissions": [p.pk for p in Permission.objects.all()[:50]],
            "display_name": "Adil A.",
        }
    )
    response = admin_client.post(reverse("admin:accounts_user_change", args=[world.admin.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    world.admin.refresh_from_db()
    assert world.admin.display_name == "Adil A."  # the form itself works
    assert world.admin.is_superuser is False
    assert set(world.admin.user_permissions.values_list("pk", flat=True)) == perms_before


def test_admin_cannot_give_themself_a_care_role(world, admin_client):
    data = _user_form(admin_client, world.admin)
    data.update(
        {
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-service": world.service_b.pk,
            "memberships-0-role": Role.MANAGER,
        }
    )
    admin_client.post(reverse("admin:accounts_user_change", args=[world.admin.pk]), data)
    assert list(Membership.objects.filter(user=world.admin).values_list("role", flat=True)) == [
        Role.ADMIN
    ]


def test_admin_cannot_give_another_user_a_role_they_do_not_hold(world, admin_client):
    newcomer = User.objects.create_user("newcomer", "new@example.org", "x-long-password-2")
    data = _user_form(admin_client, newcomer)
    data.update(
        {
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-service": world.service_a.pk,
            "memberships-0-role": Role.MANAGER,
        }
    )
    response = admin_client.post(reverse("admin:accounts_user_change", args=[newcomer.pk]), data)
    assert response.status_code == 200
    assert "You can only give a role you hold yourself" in response.content.decode()
    assert not Membership.objects.filter(user=newcomer).exists()


def test_admin_may_give_a_role_they_hold(world, admin_client):
    newcomer = User.objects.create_user("newcomer", "new@example.org", "x-long-password-2")
    data = _user_form(admin_client, newcomer)
    data.update(
        {
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-service": world.service_a.pk,
            "memberships-0-role": Role.ADMIN,
        }
    )
    response = admin_client.post(reverse("admin:accounts_user_change", args=[newcomer.pk]), data)
    assert response.status_code == 302
    assert Membership.objects.get(user=newcomer).role == Role.ADMIN


@pytest.mark.parametrize("who", ["manager", "person_user", "sister_user"])
def test_admin_cannot_take_over_an_account_that_reads_care_records(world, admin_client, who):
    account = getattr(world, who)
    email, password = account.email, account.password
    data = {"email": "adil@example.org"}
    change = admin_client.post(reverse("admin:accounts_user_change", args=[account.pk]), data)
    assert change.status_code == 403
    password_page = reverse("admin:auth_user_password_change", args=[account.pk])
    set_password = admin_client.post(
        password_page, {"password1": "a-new-long-pass-77", "password2": "a-new-long-pass-77"}
    )
    assert set_password.status_code == 403
    account.refresh_from_db()
    assert (account.email, account.password) == (email, password)


@pytest.mark.parametrize(
    "name",
    [
        "planning_decision",
        "planning_goal",
        "planning_coproductionsession",
        "reviews_checkin",
        "reviews_reviewtrigger",
        "reviews_review",
        "access_accesslog",
    ],
)
def test_admin_role_sees_no_care_record_in_the_admin(world, admin_client, records, name):
    assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 403
    index = admin_client.get(reverse("admin:index")).content.decode()
    assert f"/admin/{name.replace('_', '/', 1)}/" not in index


def test_admin_role_reads_no_care_record_through_the_api(world):
    _, secret = api_token_create(user=world.admin, name="mine")
    response = Client().get(
        f"/api/v1/people/{world.person.pk}", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert response.status_code == 404
    listing = Client().get("/api/v1/people/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert listing.json()["count"] == 0


def test_goals_and_sessions_are_read_only_in_the_admin_even_for_a_superuser(
    world, superuser, records
):
    client = world.client_for(superuser)
    goal_url = reverse("admin:planning_goal_change", args=[records["goal_id"]])
    session_url = reverse("admin:planning_coproductionsession_change", args=[records["session_id"]])
    assert client.get(goal_url).status_code == 200
    assert 'name="in_own_words"' not in client.get(goal_url).content.decode()
    assert client.post(goal_url, {"in_own_words": "Changed in admin"}).status_code == 403
    assert client.post(session_url, {"purpose": "Changed in admin"}).status_code == 403
    from coplan.planning.models import CoproductionSession, Goal

    assert Goal.objects.get(pk=records["goal_id"]).in_own_words == "Cook a meal"
    assert CoproductionSession.objects.get(pk=records["session_id"]).purpose == "Plan the week"
    assert Goal.objects.get(pk=records["goal_id"]).version == 1


def test_a_draft_decision_edited_in_the_admin_goes_through_the_service(world, superuser):
    draft = planning_services.decision_create(
        person=world.person, by=world.team_leader, domain="support", question="Evenings?"
    )
    client = world.client_for(superuser)
    change = reverse("admin:planning_decision_change", args=[draft.pk])
    form = client.get(change).context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update({"question": "Evenings\x07?", "capacity": "assumed", "domain": "support"})
    for prefix in ("options", "participants"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(change, data)
    draft.refresh_from_db()
    assert draft.question == "Evenings?"  # the input policy refused the control character
    assert response.status_code == 200
