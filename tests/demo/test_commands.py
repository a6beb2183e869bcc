"""`make run` prints the demo logins after seeding: the command must run on its own."""

import io

from django.core.management import call_command


def test_demo_logins_prints_every_login_and_the_address(db, monkeypatch):
    monkeypatch.setenv("PORT", "8010")
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8010" in text
    for username in ("maria", "sarah", "kasia", "priya"):
        assert username in text
