"""The OpenAPI document says what the API does: one component per enum and per schema,
JSON lists as arrays, the Idempotency-Key header and the error shape documented, times of
day as the API writes them."""

import json

import pytest
from django.test import Client


@pytest.fixture(scope="module")
def doc(django_db_blocker):
    with django_db_blocker.unblock():
        return json.loads(Client().get("/api/v1/openapi.json").content)


def _schema(doc, name):
    return doc["components"]["schemas"][name]


def _ref(prop: dict) -> str:
    for option in [prop, *prop.get("anyOf", []), *prop.get("allOf", [])]:
        if "$ref" in option:
            return option["$ref"].rsplit("/", 1)[1]
    raise AssertionError(f"no $ref in {prop}")


def test_enums_that_share_a_class_name_are_separate_components(doc):
    run_outcome = _schema(doc, _ref(_schema(doc, "RoutineRunIn")["properties"]["outcome"]))
    review_outcome = _schema(doc, _ref(_schema(doc, "ConcludeIn")["properties"]["outcome"]))
    assert "completed" in run_outcome["enum"]
    assert review_outcome["enum"] == ["new_decisions", "keep_as_is"]
    need_category = _schema(
        doc, _ref(_schema(doc, "CommunicationNeedIn")["properties"]["category"])
    )
    assert "information_format" in need_category["enum"]


def test_the_decisions_status_filter_lists_decision_statuses(doc):
    op = doc["paths"]["/api/v1/planning/people/{person_id}/decisions"]["get"]
    status = next(p for p in op["parameters"] if p["name"] == "status")
    assert set(_schema(doc, _ref(status["schema"]))["enum"]) == {"draft", "agreed", "superseded"}


def test_the_two_check_in_schemas_are_two_components(doc):
    assert "person_id" in _schema(doc, "ReviewsCheckInOut")["properties"]
    assert "due_at" in _schema(doc, "RiskCheckInOut")["properties"]
    assert "CheckInOut" not in doc["components"]["schemas"]


@pytest.mark.parametrize(
    ("schema", "field"),
    [
        ("SessionOut", "prompts"),
        ("SessionOut", "information_formats"),
        ("GoalOut", "checklist"),
        ("ProgressOut", "checklist_done"),
    ],
)
def test_json_list_fields_are_arrays(doc, schema, field):
    assert _schema(doc, schema)["properties"][field]["type"] == "array"


def test_shift_record_writes_document_the_idempotency_key(doc):
    op = doc["paths"]["/api/v1/delivery/people/{person_id}/daily-notes"]["post"]
    header = next(p for p in op["parameters"] if p["name"] == "Idempotency-Key")
    assert header["in"] == "header" and header["required"] is True
    assert header["schema"] == {"type": "string", "format": "uuid"}
    person = doc["paths"]["/api/v1/people/{person_id}"]["patch"]
    assert all(p["name"] != "Idempotency-Key" for p in person["parameters"])


def test_every_operation_documents_its_errors_in_the_error_shape(doc):
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            expected = {"400", "401", "403", "404", "422"}
            if method != "get":
                expected |= {"409", "413"}
            got = {str(code) for code in op["responses"]}
            assert expected <= got, (method, path)
            error = op["responses"][422 if 422 in op["responses"] else "422"]
            ref = error["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/ErrorOut")
    assert _schema(doc, "ErrorOut")["required"] == ["code", "message", "fields"]


def test_times_of_day_are_not_rfc3339_times(doc):
    text = json.dumps(doc)
    assert '"format": "time"' not in text
    window = _schema(doc, "StepOut")["properties"]["window_start"]["anyOf"][0]
    assert window["pattern"].startswith("^([01][0-9]|2[0-3])")


def test_page_numbers_are_bounded(doc):
    op = doc["paths"]["/api/v1/people/"]["get"]
    page = next(p for p in op["parameters"] if p["name"] == "page")
    assert page["schema"]["maximum"] == 100_000
