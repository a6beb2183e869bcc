"""Production settings: `check --deploy` clean, the security headers on pages and on the
API, and the settings that follow from the environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k3y-for-the-deploy-check-" + "x7Qp" * 10,
    "ALLOWED_HOSTS": "coplan.example.org",
    "BEHIND_TLS_PROXY": "true",
}


def _run(code: str, **env_changes: str) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"DEBUG", "SECRET_KEY", "BEHIND_TLS_PROXY", "SECURE_COOKIES", "PYTEST_CURRENT_TEST"}
    }
    env.update(env_changes)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_with_production_settings_is_clean():
    # The browser tests' fixture sets DJANGO_ALLOW_ASYNC_UNSAFE in this process; production
    # never has it, and check --deploy rightly refuses it.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTEST_CURRENT_TEST", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(PRODUCTION)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def _settings(**env) -> dict[str, str]:
    code = (
        "import coplan.settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, getattr(s, 'SECURE_PROXY_SSL_HEADER', None), s.TRUSTED_PROXIES, "
        "s.EMAIL_BACKEND, sep='|')"
    )
    result = _run(code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().split("|")


def test_behind_a_tls_proxy_the_app_redirects_to_https_and_sends_hsts():
    secure, csrf, redirect, hsts, header, proxies, _email = _settings(**PRODUCTION)
    assert (secure, csrf, redirect, hsts) == ("True", "True", "True", "31536000")
    assert header == "('HTTP_X_FORWARDED_PROTO', 'https')"
    assert proxies == "1"


def test_cookies_are_secure_whenever_debug_is_off_even_without_a_proxy():
    env = dict(PRODUCTION)
    env.pop("BEHIND_TLS_PROXY")
    secure, csrf, redirect, hsts, *_ = _settings(**env)
    assert (secure, csrf, redirect, hsts) == ("True", "True", "False", "0")


def test_debug_gives_plain_cookies_and_the_console_email_backend():
    fields = _settings(DEBUG="true")
    assert fields[:2] == ["False", "False"]
    assert fields[-1] == "django.core.mail.backends.console.EmailBackend"


def test_smtp_comes_from_the_environment():
    fields = _settings(DEBUG="true", EMAIL_HOST="smtp.example.org")
    assert fields[-1] == "django.core.mail.backends.smtp.EmailBackend"


CSP_PARTS = [
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
]


def _assert_security_headers(response):
    csp = response["Content-Security-Policy"]
    for part in CSP_PARTS:
        assert part in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_a_care_record_page_has_the_security_headers_and_is_never_cached(world):
    response = world.client_for(world.worker).get(reverse("people:detail", args=[world.person.pk]))
    assert response.status_code == 200
    _assert_security_headers(response)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_an_api_response_has_the_security_headers_and_is_never_cached(world):
    from coplan.accounts.services import api_token_create

    _, secret = api_token_create(user=world.worker, name="t")
    response = Client().get(
        f"/api/v1/people/{world.person.pk}", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert response.status_code == 200
    _assert_security_headers(response)
    assert "no-store" in response["Cache-Control"]


def test_the_sign_in_page_has_the_headers_too(db):
    response = Client().get(reverse("login"))
    _assert_security_headers(response)


def test_no_template_has_an_inline_script_or_event_handler():
    import re

    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        html = path.read_text()
        for match in re.finditer(r"<script\b[^>]*>", html):
            tag = match.group(0)
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{path.relative_to(ROOT)}: {tag}")
        if re.search(r"\son[a-z]+\s*=", html):
            offenders.append(f"{path.relative_to(ROOT)}: an on...= handler")
    assert offenders == []


@pytest.mark.parametrize(
    ("status", "template", "words"),
    [
        (403, "403.html", "You cannot open this page"),
        (404, "404.html", "Page not found"),
        (500, "500.html", "Something went wrong on our side"),
    ],
)
def test_error_pages_are_styled_and_link_home(db, status, template, words):
    from django.template.loader import render_to_string

    html = render_to_string(template)
    assert words in html
    assert 'href="/"' in html
    assert "css/app.css" in html


def test_a_refused_page_is_the_styled_403_with_a_way_back(world):
    response = world.client_for(world.worker).get(
        reverse("people:access_log", args=[world.person.pk])
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "You cannot open this page" in html
    assert 'href="/"' in html


def test_an_unknown_page_is_the_styled_404(world):
    response = world.client_for(world.worker).get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
