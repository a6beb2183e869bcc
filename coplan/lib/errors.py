"""What the API and the web say when something is refused or cannot be done."""


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    """The one JSON error shape: {"code": ..., "message": ..., "fields": {...}}."""
    return {"code": code, "message": message, "fields": fields or {}}


class Conflict(Exception):
    """A write that clashes with the record's state (an agreed decision edited, an
    idempotency key reused with a different body). The API answers 409."""

    def __init__(self, message: str, *, code: str = "conflict"):
        super().__init__(message)
        self.message = message
        self.code = code
