"""The serialization format of `manage.py backup`: Django's JSON Lines, with times to the
microsecond and many-to-many links as rows of their own.

Django's JSON encoder cuts datetimes and times to milliseconds, so a record restored from an
ordinary `dumpdata` is no longer the record that was saved (and "which came first" between
two records made in the same millisecond is lost). This keeps every digit; reading is
Django's own JSON Lines deserializer, which parses full ISO 8601.

Django also writes a many-to-many field as a list inside its record, and loading it makes
new link rows with new ids. The backup lists the link tables as models of their own instead
(coplan/lib/backup.py), so each link keeps its id; here the list is left out, or the links
would be made twice.
"""

import datetime
from typing import Any

from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder

FORMAT = "coplanjsonl"


class _ExactEncoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(jsonl.Serializer):
    def serialize(self, queryset: Any, **options: Any) -> Any:
        # Django's JSON serializers pass the options on to json.dump, `cls` among them.
        return super().serialize(queryset, **{**options, "cls": _ExactEncoder})

    def handle_m2m_field(self, obj: Any, field: Any) -> None:
        return None


Deserializer = jsonl.Deserializer
