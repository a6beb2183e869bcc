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


def test_demo_logins_say_where_each_login_works(db):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    lines = {line.split()[0]: line for line in out.getvalue().splitlines() if line.strip()}
    assert lines["maria"].endswith("Manager (Elm House)")
    assert lines["helen"].endswith("Manager (Birch Court)")
    # Grace's membership sits in Birch Court, but a quality lead reads every service.
    assert lines["grace"].endswith("Quality lead (every service: Elm House and Birch Court)")
    assert lines["alex"].endswith("Admin (organisation settings and users; no care records)")
    assert lines["linda"].endswith("circle: Dan's mum")  # the name Daniel goes by
