"""Easy read as PDF (WeasyPrint). Pictures and styles come from the project's own static
files, read from disk: the PDF never fetches anything over the network."""

from __future__ import annotations

import mimetypes
import re
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from coplan.pictures import catalogue
from coplan.pictures.middleware import prefix as pictogram_prefix

# An arc with a zero radius is a straight line (SVG 1.1, F.6.2); WeasyPrint draws it as a
# curve that spills out of the shape (the cream pictogram's red cap). Written as the line.
_ZERO_ARC = re.compile(rb"([aA])0,0,[-\d.]+,[01],[01],([-\d.]+),([-\d.]+)")


def _straight_zero_arcs(svg: bytes) -> bytes:
    return _ZERO_ARC.sub(
        lambda m: (b"l" if m.group(1) == b"a" else b"L") + m.group(2) + b"," + m.group(3), svg
    )


def static_fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFetcher(URLFetcher):
        """Only the project's static files and the OpenMoji pictograms, read from disk; anything else is refused (and
        left out of the PDF)."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):  # charts inlined as data URIs: nothing is fetched
                return super().fetch(url, headers)
            path = urlparse(url).path
            if path.startswith(settings.STATIC_URL):
                found = finders.find(path[len(settings.STATIC_URL) :])
                if found:
                    with open(found, "rb") as f:
                        body = f.read()
                    kind = mimetypes.guess_type(found)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, body, {"Content-Type": kind})
            if path.startswith(pictogram_prefix()) and path.endswith(".svg"):
                svg = catalogue.svg_path(path[len(pictogram_prefix()) : -len(".svg")])
                if svg is not None:
                    return URLFetcherResponse(
                        url,
                        _straight_zero_arcs(svg.read_bytes()),
                        {"Content-Type": "image/svg+xml"},
                    )
            raise ValueError(f"Not fetched for a PDF: {url}")

    return StaticFetcher()


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # heavy to import; only when a PDF is asked for

    html = render_to_string(template, context)
    document = HTML(string=html, base_url="http://coplan.invalid/", url_fetcher=static_fetcher())
    return document.write_pdf()
