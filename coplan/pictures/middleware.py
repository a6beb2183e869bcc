"""WhiteNoise, also serving the OpenMoji SVGs straight from the installed package at
/pictograms/openmoji/<version>/<code>.svg: neither copied by collectstatic (13,000 files) nor
served by a view (every response to a signed-in user is marked no-store, and a pictogram
is not a record). The version is in the address, so in production a file is cached for
good; each has its .gz beside it, which WhiteNoise sends to browsers that accept it.

A file is looked up when first asked for (scanning the package's folder up front takes
seconds), and only for a code the catalogue holds."""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.http import HttpRequest, HttpResponse
from whitenoise.middleware import WhiteNoiseMiddleware

from coplan.pictures import catalogue

SUFFIX = ".svg"


def prefix() -> str:
    # Beside /static/, not under it: the test live server and runserver without WhiteNoise
    # hand all of /static/ to Django's own finders, which know nothing of the package.
    return f"/pictograms/openmoji/{catalogue.VERSION}/"


class WhiteNoiseWithPictograms(WhiteNoiseMiddleware):
    def __init__(self, get_response: Any = None, settings: Any = django_settings) -> None:
        super().__init__(get_response, settings)
        self.pictogram_prefix = prefix()
        self.pictograms: dict[str, Any] = {}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        url = request.path_info
        if url.startswith(self.pictogram_prefix) and url.endswith(SUFFIX):
            static_file = self.pictogram(url)
            if static_file is not None:
                return self.serve(static_file, request)
        return super().__call__(request)

    def pictogram(self, url: str) -> Any:
        found = self.pictograms.get(url)
        if found is None:
            path = catalogue.svg_path(url[len(self.pictogram_prefix) : -len(SUFFIX)])
            if path is None or path.name != url.rsplit("/", 1)[-1]:
                return None
            found = self.pictograms[url] = self.get_static_file(str(path), url)
        return found

    def immutable_file_test(self, path: str, url: str) -> bool:
        return url.startswith(prefix()) or super().immutable_file_test(path, url)
