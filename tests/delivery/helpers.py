import json
import uuid

from django.test import Client

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
