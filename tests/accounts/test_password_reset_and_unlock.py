"""Password reset by email (Django's own views, rate-limited), the client address behind a
proxy for login throttling, and a manager unlocking an account of their service."""

import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from coplan.accounts.client import client_ip
from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _ask(client: Client, email: str, **extra):
    return client.post(reverse("password_reset"), {"email": email}, **extra)


def test_password_reset_sends_a_link_that_sets_a_new_password(world):
    response = _ask(Client(), "worker@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["worker@example.org"]
    link = re.search(r"https?://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    client = Client()
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and "Set a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-pass-42", "new_password2": "a-brand-new-pass-42"},
    )
    assert done["Location"] == reverse("password_reset_complete")
    world.worker.refresh_from_db()
    assert world.worker.check_password("a-brand-new-pass-42")


def test_password_reset_says_the_same_for_an_unknown_address(world):
    response = _ask(Client(), "nobody@example.org")
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_one_account_is_sent_at_most_three_links_an_hour(world, settings):
    for n in range(5):
        response = _ask(Client(REMOTE_ADDR=f"10.0.0.{n}"), "worker@example.org")
        assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == settings.PASSWORD_RESET_LIMIT_PER_ACCOUNT


def test_one_address_asking_too_often_is_told_to_wait(world, settings):
    client = Client()
    for n in range(settings.PASSWORD_RESET_LIMIT_PER_ADDRESS):
        assert _ask(client, f"someone{n}@example.org").status_code == 302
    response = _ask(client, "worker@example.org")
    assert response.status_code == 429
    assert "Too many password reset requests" in response.content.decode()
    assert mail.outbox == []


def test_the_sign_in_page_links_to_password_reset(db):
    assert reverse("password_reset") in Client().get(reverse("login")).content.decode()


def test_behind_a_proxy_the_client_address_is_the_one_the_proxy_saw(settings):
    settings.TRUSTED_PROXIES = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )
    # 6.6.6.6 is what the client claimed; the proxy appended the address it really saw.
    assert client_ip(request) == "203.0.113.9"


def test_without_a_proxy_forwarded_for_is_ignored(settings):
    settings.TRUSTED_PROXIES = 0
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert client_ip(request) == "198.51.100.7"


def _fail_logins(username: str, address: str, times: int = 5):
    client = Client(REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR=address)
    for _ in range(times):
        client.post(reverse("login"), {"username": username, "password": "wrong-password"})


def test_behind_a_proxy_one_address_cannot_lock_an_account_for_everyone(world, settings):
    settings.TRUSTED_PROXIES = 1
    _fail_logins("worker", "203.0.113.9")
    from_elsewhere = Client(REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="198.51.100.20")
    response = from_elsewhere.post(reverse("login"), {"username": "worker", "password": PASSWORD})
    assert response.status_code == 302
    attacker = Client(REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    locked = attacker.post(reverse("login"), {"username": "worker", "password": PASSWORD})
    assert locked.status_code == 429


def test_manager_sees_and_unlocks_a_locked_account_of_their_service(world):
    _fail_logins("worker", "203.0.113.9")
    client = world.client_for(world.manager)
    page = client.get(reverse("locked_accounts"))
    assert page.status_code == 200
    assert "Wendy Worker" in page.content.decode()
    response = client.post(reverse("locked_accounts"), {"account": world.worker.pk})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="worker").exists()


def test_manager_cannot_unlock_an_account_of_another_service(world):
    _fail_logins("outsider", "203.0.113.9")
    client = world.client_for(world.manager)
    assert "Otto Outsider" not in client.get(reverse("locked_accounts")).content.decode()
    response = client.post(reverse("locked_accounts"), {"account": world.outsider.pk})
    assert response.status_code == 404
    assert AccessAttempt.objects.filter(username="outsider").exists()


@pytest.mark.parametrize("who", ["worker", "team_leader", "admin", "person_user"])
def test_only_a_manager_may_unlock(world, who):
    _fail_logins("worker", "203.0.113.9")
    client = world.client_for(getattr(world, who))
    assert client.get(reverse("locked_accounts")).status_code == 403
    assert client.post(reverse("locked_accounts"), {"account": world.worker.pk}).status_code == 403
    assert AccessAttempt.objects.filter(username="worker").exists()
