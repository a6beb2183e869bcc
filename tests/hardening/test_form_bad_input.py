"""The bad-input sweep over the web forms: each form page in FORMS is read, filled in with
plain valid values, then sent with NUL and other control characters, over-long text and
dates in year 1 and 9999 in every field that takes them. Every answer is the form again
(never a 5xx, never a success) and no row changes. Where the filled-in form alone would
have been saved, the answer also names the fault in the input policy's words."""

from datetime import timedelta
from html.parser import HTMLParser

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coplan.lib import input as policy
from tests.hardening.conftest import fingerprint

TEXT_TYPES = {"text", "email", "search", "tel", "url", None}


def forms_to_sweep(world, r) -> list[tuple[str, str]]:
    """(who, url) for every form that writes a record."""
    p = world.person.pk
    plan = ("risk:plan", [p, r["plan_id"]])
    return [
        ("manager", reverse("people:add")),
        ("manager", reverse("people:edit", args=[p])),
        ("manager", reverse("people:need_add", args=[p])),
        ("manager", reverse("people:chart_add", args=[p])),
        ("manager", reverse("people:decision_profile", args=[p])),
        ("manager", reverse("people:agreement_add", args=[p])),
        ("manager", reverse("people:circle_add", args=[p])),
        ("team_leader", reverse("planning:session_add", args=[p])),
        ("team_leader", reverse("planning:session_edit", args=[p, r["session_id"]])),
        ("team_leader", reverse("planning:session_view_add", args=[p, r["session_id"]])),
        ("team_leader", reverse("planning:decision_add", args=[p])),
        ("team_leader", reverse("planning:decision_edit", args=[p, r["decision_id"]])),
        ("team_leader", reverse("planning:goal_add", args=[p])),
        ("team_leader", reverse("planning:goal_edit", args=[p, r["goal_id"]])),
        ("team_leader", reverse("planning:progress_add", args=[p, r["goal_id"]])),
        ("team_leader", reverse("planning:contingency_edit", args=[p])),
        ("team_leader", reverse("support:instruction_add", args=[p])),
        ("team_leader", reverse("support:add", args=[p, "routine"])),
        ("worker", reverse("delivery:record_note", args=[p])),
        ("worker", reverse("delivery:record_incident", args=[p])),
        ("worker", reverse("delivery:record_handover", args=[p])),
        ("worker", reverse("delivery:record_flag", args=[p])),
        ("worker", reverse("delivery:record_activity", args=[p])),
        ("worker", reverse("reviews:checkin", args=[p])),
        ("worker", reverse("reviews:working_add", args=[p])),
        ("worker", reverse("reviews:trigger_add", args=[p])),
        ("worker", reverse("risk:practice_new", args=plan[1])),
        ("worker", reverse("risk:incident_new", args=plan[1])),
        ("team_leader", reverse("reviews:review", args=[p, r["review_id"]])),
    ]


class _Form(HTMLParser):
    """The fields of the page's main post form, with the values a browser would send."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": {}, "kinds": {}}
            self.forms.append(self._form)
        if self._form is None or "name" not in a:
            if tag == "option" and self._select and self._form is not None:
                value = a.get("value", "")
                fields = self._form["fields"]
                if value and (fields.get(self._select) in (None, "") or "selected" in a):
                    fields[self._select] = value
            return
        name, kinds, fields = a["name"], self._form["kinds"], self._form["fields"]
        if tag == "input":
            kind = a.get("type")
            if kind in ("checkbox", "radio"):
                if "checked" in a or (kind == "radio" and name not in fields):
                    fields[name] = a.get("value", "on")
                return
            if kind in ("submit", "button", "file"):
                return
            fields[name] = a.get("value", "")
            kinds[name] = kind
        elif tag == "textarea":
            self._textarea = name
            fields[name] = ""
            kinds[name] = "textarea"
        elif tag == "select":
            self._select = name
            fields.setdefault(name, "")
            kinds[name] = "select"

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._form = None


def _main_form(html: str) -> dict:
    parser = _Form()
    parser.feed(html)
    forms = [f for f in parser.forms if "/accounts/logout/" not in f["action"]]
    return max(forms, key=lambda f: len(f["kinds"]))


def _filled(form: dict) -> dict:
    """Plain valid values where the page left a field empty."""
    now = timezone.localtime() - timedelta(hours=1)
    data = dict(form["fields"])
    for name, kind in form["kinds"].items():
        if str(data.get(name) or "").strip() or name.endswith(("-id", "-DELETE")):
            continue
        if "-" in name and name.split("-", 1)[0] and name.split("-")[1].isdigit():
            continue  # an empty extra formset row stays empty
        data[name] = {
            "date": now.date().isoformat(),
            "datetime-local": now.strftime("%Y-%m-%dT%H:%M"),
            "time": "09:30",
            "number": "3",
            "email": "sam@example.org",
        }.get(kind, "Tea" if kind in TEXT_TYPES or kind == "textarea" else data.get(name, ""))
    if form["kinds"].get("week_start") == "date":
        data["week_start"] = (now.date() - timedelta(days=now.weekday())).isoformat()
    return data


def _bad(kind: str, form: dict, data: dict) -> tuple[dict, list[str]]:
    bad = dict(data)
    touched = []
    for name, field_kind in form["kinds"].items():
        if name in ("csrfmiddlewaretoken", "idempotency_key") or field_kind == "hidden":
            continue
        if "-" in name and name.split("-")[1].isdigit() and not str(data.get(name) or "").strip():
            continue
        text = field_kind in TEXT_TYPES or field_kind == "textarea"
        value = None
        if kind == "nul" and text:
            value = "a\x00b"
        elif kind == "control" and text:
            value = "a\x07b"
        elif kind == "long" and text:
            value = "x" * (policy.TEXT_MAX + 1)
        elif kind in ("year_1", "year_9999") and field_kind in ("date", "datetime-local"):
            year = "0001" if kind == "year_1" else "9999"
            value = f"{year}-12-31" if field_kind == "date" else f"{year}-12-31T23:59"
        if value is not None:
            bad[name] = value
            touched.append(name)
    return bad, touched


MESSAGES = {
    "nul": [policy.NUL],
    "control": [policy.CONTROL],
    "long": ["Ensure this value has at most"],
    "year_1": [policy.BEFORE_FLOOR.format(floor=policy.FLOOR), policy.BIRTH_RANGE, "Enter a valid"],
    "year_9999": [
        policy.TOO_FAR_AHEAD,
        policy.NOT_YET_HAPPENED,
        policy.BIRTH_RANGE,
        "Enter a valid",
    ],
}


def _would_save(client, url, data) -> bool:
    with transaction.atomic():
        response = client.post(url, data)
        transaction.set_rollback(True)
    return response.status_code == 302


def test_every_form_refuses_bad_input_and_changes_nothing(world, records):
    problems, strong = [], 0
    for who, url in forms_to_sweep(world, records):
        client = world.client_for(getattr(world, who))
        page = client.get(url)
        assert page.status_code == 200, url
        form = _main_form(page.content.decode())
        target = form["action"] or url
        data = _filled(form)
        saves = _would_save(client, target, data)
        strong += saves
        for kind in MESSAGES:
            bad, touched = _bad(kind, form, data)
            if not touched:
                continue
            before = fingerprint()
            response = client.post(target, bad)
            label = f"{url} {kind} {touched}"
            if response.status_code >= 500 or response.status_code in (301, 302, 303):
                problems.append(f"{label}: {response.status_code}")
            elif fingerprint() != before:
                problems.append(f"{label}: rows changed")
            elif saves:
                html = response.content.decode()
                said = any(m.replace("'", "&#x27;") in html or m in html for m in MESSAGES[kind])
                # A date may be refused first by the form's own rule (a week starts on a
                # Monday; a review is not due in the past): a field message all the same.
                if kind.startswith("year") and not said:
                    said = 'class="error-text"' in html
                if not said:
                    problems.append(f"{label}: no input-policy message on the page")
    assert problems == [], "\n".join(problems)
    assert strong >= 20  # most forms were otherwise valid, so their refusal is the policy's
