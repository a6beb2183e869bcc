import json
import uuid
from contextlib import contextmanager
from datetime import datetime, time
from unittest import mock

from django.test import Client
from django.utils import timezone

from coplan.accounts.services import api_token_create


class Api:
    """A JSON client with a bearer token, as a phone app would use."""

    def __init__(self, user):
        _, secret = api_token_create(user=user, name="test")
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    def get(self, path: str):
        return self.client.get(f"/api/v1{path}")

    def post(self, path: str, body: dict | None = None, key: str | None = "new"):
        headers = {}
        if key is not None:
            headers["HTTP_IDEMPOTENCY_KEY"] = str(uuid.uuid4()) if key == "new" else key
        return self.client.post(
            f"/api/v1{path}",
            data=json.dumps(body or {}),
            content_type="application/json",
            **headers,
        )


@contextmanager
def clock(at: datetime):
    """Run as if it were `at`: the services, the pages and the time stamps Django writes
    all read django.utils.timezone.now."""
    with mock.patch("django.utils.timezone.now", return_value=at):
        yield


def today_at(hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), time(hour, minute)))
