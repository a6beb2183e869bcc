"""The bad-input sweep over the API, generated from its own OpenAPI document: every write
operation gets NUL and other control characters, over-long text, nulls, wrong types, dates
in year 1 and 9999 and date-times without a zone. Every answer is a 4xx in the error shape
that names the fields, and no row changes (a date-time without a zone may also be taken,
as UK time)."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from coplan.accounts.services import api_token_create
from coplan.lib import input as policy
from tests.hardening.conftest import fingerprint

WRITES = ("post", "patch", "put")
KINDS = ["nul", "control", "long", "null", "wrong_type", "year_1", "year_9999", "naive"]


def _doc() -> dict:
    return json.loads(Client().get("/api/v1/openapi.json").content)


def _resolve(schema: dict, doc: dict) -> dict:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _resolve(schema["allOf"][0], doc)
    if "anyOf" in schema:
        options = [o for o in schema["anyOf"] if o.get("type") != "null"]
        return _resolve(options[0], doc)
    return schema


def _example(schema: dict, doc: dict, name: str, ids: dict) -> object:
    """A valid value: enough for the body to pass validation, so the bad value is what the
    answer is about."""
    schema = _resolve(schema, doc)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "string":
        if schema.get("format") == "date":
            return timezone.localdate().isoformat()
        if schema.get("format") == "date-time":
            return (timezone.now() - timedelta(hours=1)).isoformat()
        if schema.get("format") == "uuid":
            return str(uuid.uuid4())
        if "pattern" in schema:
            return "09:30"
        return "Tea"
    if kind == "integer":
        if name in ids:
            return ids[name]
        low = max(schema.get("minimum", 1), 1)
        return min(low, schema.get("maximum", low))
    if kind == "boolean":
        return True
    if kind == "array":
        if schema.get("minItems"):
            return [_example(schema["items"], doc, name, ids)]
        return []
    if kind == "object":
        required = schema.get("required", [])
        props = schema.get("properties", {})
        return {p: _example(props[p], doc, p, ids) for p in required}
    return None


def _plain_string(schema: dict) -> bool:
    return (
        schema.get("type") == "string"
        and "enum" not in schema
        and "format" not in schema
        and "pattern" not in schema
    )


def _bad(kind: str, schema: dict, doc: dict):
    """The bad value of this kind for a property, or None when the kind does not apply."""
    schema = _resolve(schema, doc)
    kind_of = schema.get("type")
    string_list = kind_of == "array" and _plain_string(_resolve(schema.get("items", {}), doc))
    if kind in ("nul", "control", "long") and (_plain_string(schema) or string_list):
        text = {
            "nul": "a\x00b",
            "control": "a\x07b",
            "long": "x" * ((schema.get("maxLength") or policy.TEXT_MAX) + 1),
        }[kind]
        return [text] if string_list else text
    if kind == "null":
        return ("null", None)
    if kind == "wrong_type":
        return {"string": {"x": 1}, "integer": "many", "boolean": "perhaps", "array": "x"}.get(
            kind_of, 5
        )
    fmt = schema.get("format")
    if kind == "year_1" and fmt in ("date", "date-time"):
        return "0001-01-01" if fmt == "date" else "0001-01-01T00:00:00+00:00"
    if kind == "year_9999" and fmt in ("date", "date-time"):
        return "9999-12-31" if fmt == "date" else "9999-12-31T23:59:59-05:00"
    if kind == "naive" and fmt == "date-time":
        return (timezone.localtime() - timedelta(hours=1)).replace(tzinfo=None).isoformat()
    return None


def _cases(doc: dict, ids: dict):
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            if method not in WRITES or "requestBody" not in op:
                continue
            body_schema = op["requestBody"]["content"]["application/json"]["schema"]
            body_schema = _resolve(body_schema, doc)
            props = body_schema.get("properties", {})
            for kind in KINDS:
                body = _example(body_schema, doc, "", ids)
                affected = []
                for name, prop in props.items():
                    bad = _bad(kind, prop, doc)
                    if bad is None:
                        continue
                    body[name] = None if bad == ("null", None) else bad
                    affected.append(name)
                if affected:
                    yield f"{method.upper()} {path} {kind}", method, path, body, affected, op


def _url(path: str, ids: dict) -> str:
    for name, value in ids.items():
        path = path.replace("{" + name + "}", str(value))
    return path


@pytest.fixture
def api(world):
    _, secret = api_token_create(user=world.manager, name="sweep")
    client = Client()
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def test_every_write_operation_refuses_bad_input_and_changes_nothing(world, records, api):
    doc = _doc()
    ids = {k: v for k, v in records.items() if k.endswith("_id")}
    cases = list(_cases(doc, ids))
    assert len({c[2] for c in cases}) >= 30  # every write endpoint with a body
    problems = []
    for label, method, path, body, affected, op in cases:
        headers = {}
        if any(p["name"] == "Idempotency-Key" for p in op.get("parameters", [])):
            headers["HTTP_IDEMPOTENCY_KEY"] = str(uuid.uuid4())
        before = fingerprint()
        response = getattr(api, method)(
            _url(path, ids), data=json.dumps(body), content_type="application/json", **headers
        )
        kind = label.rsplit(" ", 1)[1]
        if kind == "naive" and response.status_code < 400:
            continue  # taken, read as UK time
        after = fingerprint()
        if not 400 <= response.status_code < 500:
            problems.append(f"{label}: {response.status_code} {response.content[:200]!r}")
            continue
        error = response.json()
        if set(error) != {"code", "message", "fields"}:
            problems.append(f"{label}: not the error shape: {error}")
        # A date-time without a zone is valid input: a refusal of the rest of the made-up
        # body may then be the service's, in words, without a field.
        if response.status_code == 422 and not error["fields"] and kind != "naive":
            problems.append(f"{label}: 422 without a field message: {error}")
        if response.status_code == 422 and kind in ("nul", "control", "year_1", "year_9999"):
            named = {f.split(".")[0] for f in error["fields"]}
            if not set(affected) <= named:
                problems.append(f"{label}: {sorted(set(affected) - named)} not named: {error}")
        if before != after:
            changed = [k for k in before if before[k] != after.get(k)]
            problems.append(f"{label}: rows changed in {changed}")
    assert problems == [], "\n".join(problems)


def test_text_is_refused_in_the_same_words_as_a_form(world, records, api):
    response = api.post(
        f"/api/v1/delivery/people/{world.person.pk}/daily-notes",
        data=json.dumps({"text": "Breakfast\x00", "persons_words": "ok\x07"}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert response.status_code == 422
    assert response.json()["fields"] == {
        "text": ["Null characters are not allowed."],
        "persons_words": [policy.CONTROL],
    }


def test_null_for_a_text_field_is_a_422_naming_it(world, api):
    before = fingerprint()
    response = api.patch(
        f"/api/v1/people/{world.person.pk}",
        data=json.dumps(
            {"good_day": None, "how_best_to_support": None, "version": world.person.version}
        ),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["fields"] == {
        "good_day": ["This field cannot be null."],
        "how_best_to_support": ["This field cannot be null."],
    }
    assert fingerprint() == before


def test_a_date_time_without_a_zone_is_read_as_uk_time(world, api):
    response = api.post(
        f"/api/v1/delivery/people/{world.person.pk}/daily-notes",
        data=json.dumps({"text": "Lunch", "occurred_at": "2026-07-01T12:30:00"}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert response.status_code == 201, response.content
    # 12:30 in London in July is 11:30 UTC.
    stored = datetime.fromisoformat(response.json()["occurred_at"].replace("Z", "+00:00"))
    assert stored == datetime(2026, 7, 1, 11, 30, tzinfo=UTC)


def test_a_session_far_in_the_future_is_refused_and_not_stored(world, records, api):
    before = fingerprint()
    response = api.post(
        f"/api/v1/planning/people/{world.person.pk}/sessions",
        data=json.dumps(
            {"purpose": "Plan", "domain": "support", "scheduled_for": "9999-12-31T23:59:59-05:00"}
        ),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["fields"] == {"scheduled_for": [policy.TOO_FAR_AHEAD]}
    assert fingerprint() == before


def test_a_body_over_the_limit_is_a_413_in_the_error_shape(world, api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.post(
        f"/api/v1/delivery/people/{world.person.pk}/daily-notes",
        data=json.dumps({"text": "x" * 2000}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert set(response.json()) == {"code", "message", "fields"}
