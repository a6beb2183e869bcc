"""The OpenAPI document, made to say what the API really does.

Django Ninja builds each operation's JSON Schema on its own and merges the definitions by
their short names, so two classes called `Outcome` (or two `CheckInOut` schemas) collapse
into one component and one of them is described wrongly. Here every component is named by
where it is defined: a choice enum by its model (`RoutineRunOutcome`), a schema whose name
another stage's API also uses by its stage (`RiskCheckInOut`). Then the document gains
what the operations share and Ninja does not see: the error shape on every 4xx, the
`Idempotency-Key` header of the shift records, the page limits of the input policy, and
times of day as the API writes them (local, without a zone: not RFC 3339 `format: time`).
"""

from __future__ import annotations

import re
import sys
from functools import cache
from typing import TYPE_CHECKING, Any

from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema, flatten_properties
from ninja.schema import NinjaGenerateJsonSchema
from pydantic import BaseModel
from pydantic.json_schema import CoreModeRef, DefsRef, JsonSchemaMode

from coplan.lib import input as policy

if TYPE_CHECKING:
    from ninja import NinjaAPI
    from ninja.operation import Operation

ERROR = "ErrorOut"
ERROR_SCHEMA = {
    "title": ERROR,
    "type": "object",
    "description": "Every error: a code, a message to show, and messages by field.",
    "properties": {
        "code": {"type": "string", "title": "Code"},
        "message": {"type": "string", "title": "Message"},
        "fields": {
            "type": "object",
            "title": "Fields",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["code", "message", "fields"],
}
ERRORS_EVERYWHERE = {
    400: "A query parameter is not valid (the field names it).",
    401: "No valid token (`Authorization: Bearer <token>`).",
    403: "Your role does not allow this.",
    404: "No such record, or not one you can see.",
    422: "The body or a parameter is missing, of the wrong type, or refused (by field).",
    503: "The database is not answering; nothing was saved. Retry after `Retry-After` seconds.",
}
ERRORS_ON_WRITES = {
    409: "The record changed since you read it, or the idempotency key was used for another body.",
    413: "The body is larger than the server accepts.",
}
TIME_OF_DAY = {
    "type": "string",
    "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
    "description": "A local time of day (UK), HH:MM or HH:MM:SS, without a time zone.",
}
IDEMPOTENCY_KEY = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": True,
    "description": (
        "A new UUID for each record. The same key and body again answers the first "
        "record; the same key with a different body answers 409."
    ),
    "schema": {"type": "string", "format": "uuid"},
}


# Component names -------------------------------------------------------------------------


@cache
def _api_class_names() -> dict[str, set[str]]:
    """Schema class names defined in each stage's api module, to find the clashes."""
    names: dict[str, set[str]] = {}
    for module_name, module in list(sys.modules.items()):
        if not re.fullmatch(r"coplan\.\w+\.api", module_name) or module is None:
            continue
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseModel)
                and value.__module__ == module_name
            ):
                names.setdefault(value.__name__, set()).add(module_name)
    return names


def component_name(dotted: str) -> str | None:
    """`coplan.delivery.models.RoutineRun.Outcome` -> `RoutineRunOutcome`; a schema name
    used by two stages' APIs -> `<Stage><Name>`. None: keep pydantic's own choice."""
    module = max((m for m in sys.modules if dotted.startswith(m + ".")), key=len, default=None)
    if module is None:
        return None
    qualname = dotted[len(module) + 1 :]
    if not qualname or "<" in qualname:
        return None
    name = qualname.replace(".", "")
    if module.startswith("coplan.") and len(_api_class_names().get(qualname, ())) > 1:
        stage = module.split(".")[1]
        name = stage.capitalize() + name
    return name


class CoplanJsonSchema(NinjaGenerateJsonSchema):
    def get_defs_ref(self, core_mode_ref: CoreModeRef) -> DefsRef:
        core_ref, _mode = core_mode_ref
        if not re.search(r"[\][,]", core_ref):
            name = component_name(core_ref.rsplit(":", 1)[0])
            if name:
                defs_ref = DefsRef(name)
                self._prioritized_defsref_choices[defs_ref] = [defs_ref]
                return defs_ref
        return super().get_defs_ref(core_mode_ref)


# The document ----------------------------------------------------------------------------


class CoplanOpenAPISchema(OpenAPISchema):
    def __init__(self, api: NinjaAPI, path_prefix: str) -> None:
        super().__init__(api, path_prefix)
        self["components"]["schemas"][ERROR] = ERROR_SCHEMA
        _times_of_day(self)  # after every operation, so parameters are covered too

    # Ninja's two places that make JSON Schema, with the generator that names components.

    def _extract_parameters(self, model: Any) -> list[dict[str, Any]]:
        schema = model.model_json_schema(
            ref_template=REF_TEMPLATE, schema_generator=CoplanJsonSchema
        )
        required = set(schema.get("required", []))
        if "$defs" in schema:
            self.add_schema_definitions(schema["$defs"])
        result = []
        for name, details in schema["properties"].items():
            for p_name, p_schema, p_required in flatten_properties(
                name, details, name in required, schema.get("$defs", {})
            ):
                if not p_schema.get("include_in_schema", True):
                    continue
                param = {
                    "in": model.__ninja_param_source__,
                    "name": p_name,
                    "schema": p_schema,
                    "required": p_required,
                }
                if "description" in p_schema:
                    param["description"] = p_schema["description"]
                result.append(param)
        return result

    def _create_schema_from_model(
        self,
        model: Any,
        by_alias: bool = True,
        remove_level: bool = True,
        mode: JsonSchemaMode = "validation",
    ) -> tuple[dict[str, Any], bool]:
        if hasattr(model, "__ninja_flatten_map__"):
            schema = self._flatten_schema(model)
        else:
            schema = model.model_json_schema(
                ref_template=REF_TEMPLATE,
                by_alias=by_alias,
                schema_generator=CoplanJsonSchema,
                mode=mode,
            ).copy()
        if schema.get("$defs"):
            self.add_schema_definitions(schema.pop("$defs"))
        if remove_level and len(schema["properties"]) == 1:
            name, details = list(schema["properties"].items())[0]
            return details, name in schema.get("required", {})
        return schema, True

    def operation_details(self, operation: Operation) -> dict[str, Any]:
        result = super().operation_details(operation)
        is_write = any(m in operation.methods for m in ("POST", "PUT", "PATCH", "DELETE"))
        for param in result["parameters"]:
            if param["in"] == "query" and param["name"] in ("page", "page_size"):
                _limit_page(param["schema"])
        if uses_idempotency_key(operation):
            result["parameters"].append(dict(IDEMPOTENCY_KEY))
        errors = {**ERRORS_EVERYWHERE, **(ERRORS_ON_WRITES if is_write else {})}
        if _calls(operation, "_ready"):  # a read of something made in the background
            errors[409] = "Not ready yet: it is still being made (its status says how far)."
        for status, description in errors.items():
            result["responses"].setdefault(
                status,
                {
                    "description": description,
                    "content": {
                        "application/json": {"schema": {"$ref": REF_TEMPLATE.format(model=ERROR)}}
                    },
                },
            )
        return result


def _calls(operation: Operation, name: str) -> bool:
    view = operation.view_func
    while hasattr(view, "__wrapped__"):
        view = view.__wrapped__
    return name in getattr(getattr(view, "__code__", None), "co_names", ())


def uses_idempotency_key(operation: Operation) -> bool:
    """The shift-record endpoints read the header through their module's `_key(request)`."""
    return _calls(operation, "_key")


def _limit_page(schema: dict[str, Any]) -> None:
    for option in schema.get("anyOf", [schema]):
        if option.get("type") == "integer":
            option["maximum"] = policy.PAGE_MAX


def _times_of_day(node: Any) -> None:
    """Times of day as written (see TIME_OF_DAY), and every whole number within the input
    policy's range, which is what the database holds."""
    if isinstance(node, dict):
        if node.get("format") == "time" and node.get("type") == "string":
            del node["format"]
            node.update(TIME_OF_DAY)
        if node.get("type") == "integer":
            node.setdefault("maximum", policy.INT_MAX)
            node.setdefault("minimum", -policy.INT_MAX)
        for value in node.values():
            _times_of_day(value)
    elif isinstance(node, list):
        for value in node:
            _times_of_day(value)
