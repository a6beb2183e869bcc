"""Passwords, login throttling, CSRF, two-step verification, health check and settings."""

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

import coplan.settings as project_settings
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def test_argon2_is_the_first_password_hasher():
    # The test settings swap in a fast hasher; check what the project itself configures.
    assert project_settings.PASSWORD_HASHERS[0] == (
        "django.contrib.auth.hashers.Argon2PasswordHasher"
    )


def _login(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_form_signs_in_with_the_right_password(world):
    client = Client()
    response = _login(client, "worker", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).context["user"] == world.worker


def test_login_does_not_follow_a_next_link_off_the_site(world):
    response = Client().post(
        reverse("login") + "?next=https://evil.example/",
        {"username": "worker", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_login_follows_a_next_link_on_the_site(world):
    next_url = reverse("people:detail", args=[world.person.pk])
    response = Client().post(
        reverse("login"), {"username": "worker", "password": PASSWORD, "next": next_url}
    )
    assert response["Location"] == next_url


def test_wrong_password_shows_the_warning_about_locking(world):
    response = _login(Client(), "worker", "wrong-password")
    assert response.status_code == 200
    assert "After 5 wrong tries your account is locked" in response.content.decode()


def test_sixth_try_is_locked_out_even_with_the_right_password(world):
    client = Client()
    for _ in range(4):
        assert _login(client, "worker", "wrong-password").status_code == 200
    fifth = _login(client, "worker", "wrong-password")
    assert fifth.status_code == 429
    response = _login(client, "worker", PASSWORD)
    assert response.status_code == 429
    assert "Too many tries" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_for_that_account_only(world):
    client = Client()
    for _ in range(5):
        _login(client, "worker", "wrong-password")
    assert _login(client, "manager", PASSWORD).status_code == 302


def test_success_before_the_limit_resets_the_count(world):
    client = Client()
    for _ in range(4):
        _login(client, "worker", "wrong-password")
    assert _login(client, "worker", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        assert _login(client, "worker", "wrong-password").status_code == 200


def test_login_form_enforces_csrf(world):
    client = Client(enforce_csrf_checks=True)
    response = _login(client, "worker", PASSWORD)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session

    page = client.get(reverse("login"))
    token = page.cookies["csrftoken"].value
    response = client.post(
        reverse("login"),
        {"username": "worker", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


def test_logout_needs_a_post(world):
    client = world.client_for(world.worker)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


@pytest.fixture
def two_factor_org(world):
    world.org.require_two_factor = True
    world.org.save(update_fields=["require_two_factor"])
    return world


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_manager_must_set_up_two_factor_then_reaches_home(two_factor_org):
    world = two_factor_org
    client = Client()
    assert _login(client, "manager", PASSWORD).status_code == 302
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('two_factor')}?next=/"

    setup = client.get(response["Location"])
    assert setup.status_code == 200
    assert setup.context["setting_up"] is True
    device = TOTPDevice.objects.get(user=world.manager)
    assert device.confirmed is False

    wrong_code = "000000" if _code(device) != "000000" else "111111"
    wrong = client.post(response["Location"], {"token": wrong_code})
    assert wrong.status_code == 200
    assert "That code did not match" in wrong.content.decode()

    # django-otp throttles after a wrong code; the page says to wait.
    throttled = client.post(response["Location"], {"token": _code(device)})
    assert "codes are paused for 1 more second." in throttled.content.decode()
    device.refresh_from_db()
    device.throttle_reset()

    done = client.post(response["Location"], {"token": _code(device)})
    assert done.status_code == 302
    assert done["Location"] == "/"
    assert client.get(reverse("home")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed is True


def test_manager_with_a_device_verifies_each_login(two_factor_org):
    world = two_factor_org
    device = TOTPDevice.objects.create(user=world.manager, name="Phone", confirmed=True)
    client = Client()
    _login(client, "manager", PASSWORD)
    person_url = reverse("people:detail", args=[world.person.pk])
    response = client.get(person_url)
    assert response["Location"] == f"{reverse('two_factor')}?next={person_url}"
    page = client.get(response["Location"])
    assert page.context["setting_up"] is False
    done = client.post(response["Location"], {"token": _code(device)})
    assert done["Location"] == person_url
    assert client.get(person_url).status_code == 200


def test_two_factor_does_not_follow_a_next_link_off_the_site(two_factor_org):
    device = TOTPDevice.objects.create(user=two_factor_org.manager, name="Phone", confirmed=True)
    client = Client()
    _login(client, "manager", PASSWORD)
    done = client.post(
        f"{reverse('two_factor')}?next=https://evil.example/", {"token": _code(device)}
    )
    assert done["Location"] == reverse("home")


@pytest.mark.parametrize("role", ["quality_lead", "admin"])
def test_other_senior_roles_are_asked_for_two_factor(two_factor_org, role):
    client = Client()
    username = {"quality_lead": "quality", "admin": "admin"}[role]
    _login(client, username, PASSWORD)
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor"))


@pytest.mark.parametrize("username", ["worker", "teamlead", "sam", "sister"])
def test_support_staff_and_the_person_are_not_asked_for_two_factor(two_factor_org, username):
    client = Client()
    _login(client, username, PASSWORD)
    response = client.get(reverse("home"), follow=True)  # the person's own space is /me/
    assert response.status_code == 200
    assert all(not url.startswith(reverse("two_factor")) for url, _ in response.redirect_chain)


def test_two_factor_not_asked_when_the_organisation_does_not_require_it(world):
    client = Client()
    _login(client, "manager", PASSWORD)
    assert client.get(reverse("home")).status_code == 200


def test_healthz_says_ok(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_is_503_when_the_database_does_not_answer(db):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("gone")):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


def _import_settings(**env_changes):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.update(env_changes)
    env.pop("PYTEST_CURRENT_TEST", None)
    return subprocess.run(
        [sys.executable, "-c", "import coplan.settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_refuse_production_without_a_secret_key():
    result = _import_settings(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_settings_load_in_production_with_a_secret_key():
    result = _import_settings(DEBUG="false", SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr


def test_api_through_the_session_needs_two_factor_too(two_factor_org):
    world = two_factor_org
    device = TOTPDevice.objects.create(user=world.manager, name="Phone", confirmed=True)
    client = Client()
    _login(client, "manager", PASSWORD)
    api_url = f"/api/v1/people/{world.person.pk}"
    response = client.get(api_url)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    client.post(reverse("two_factor"), {"token": _code(device)})
    assert client.get(api_url).status_code == 200


def test_api_through_the_session_works_for_roles_without_two_factor(two_factor_org):
    client = Client()
    _login(client, "worker", PASSWORD)
    assert client.get(f"/api/v1/people/{two_factor_org.person.pk}").status_code == 200


def test_two_factor_set_up_shows_the_key_as_authenticator_apps_take_it(two_factor_org):
    client = two_factor_org.client_for(two_factor_org.manager)
    response = client.get(reverse("two_factor"))
    device = TOTPDevice.objects.get(user=two_factor_org.manager)
    key = response.context["manual_key"]
    assert f"secret={key}" in device.config_url
    assert f"<code>{key}</code>" in response.content.decode()
    assert "<svg" in response.content.decode()
