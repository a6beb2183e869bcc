"""WhiteNoise, also serving the OpenMoji SVGs straight from the installed package at
/static/openmoji/<version>/<code>.svg, so they are neither copied by collectstatic (13,000
files) nor served by a view (every response to a signed-in user is marked no-store; a
pictogram is not a record). The version is in the address, so in production the files are
cached for good; each has its .gz beside it, which WhiteNoise serves to browsers that
accept it."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings as django_settings
from whitenoise.middleware import WhiteNoiseMiddleware

from coplan.pictures import catalogue


def prefix() -> str:
    return f"{django_settings.STATIC_URL}openmoji/{catalogue.VERSION}/"


class WhiteNoiseWithPictograms(WhiteNoiseMiddleware):
    # The package's file list, scanned once per process (the test client builds a
    # middleware stack per client).
    _pictograms: ClassVar[dict[str, Any] | None] = None

    def __init__(self, get_response: Any = None, settings: Any = django_settings) -> None:
        super().__init__(get_response, settings)
        if self.autorefresh:
            self.add_files(str(catalogue.SVG_DIR), prefix=prefix())
            return
        cls = type(self)
        if cls._pictograms is None:
            before = dict(self.files)
            self.add_files(str(catalogue.SVG_DIR), prefix=prefix())
            cls._pictograms = {k: v for k, v in self.files.items() if k not in before}
        else:
            self.files.update(cls._pictograms)

    def immutable_file_test(self, path: str, url: str) -> bool:
        return url.startswith(prefix()) or super().immutable_file_test(path, url)
