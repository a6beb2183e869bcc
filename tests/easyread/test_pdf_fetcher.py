"""The PDFs read pictures from disk and never over the network: the project's static files,
the OpenMoji pictograms from their package, and images inlined as data: URLs (the charts in
an evidence pack). Anything else is refused."""

import base64

import pytest

from coplan.easyread.pdf import static_fetcher
from coplan.pictures.middleware import prefix


def test_a_chart_inlined_as_a_data_url_is_read():
    svg = b"<svg xmlns='http://www.w3.org/2000/svg'><title>Refusals</title></svg>"
    url = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    response = static_fetcher().fetch(url)
    assert response.read() == svg


def test_a_pictogram_is_read_from_the_package():
    response = static_fetcher().fetch(f"http://coplan.invalid{prefix()}1F6BF.svg")
    assert response.read().lstrip().startswith(b"<svg")


@pytest.mark.parametrize(
    "url", ["http://example.org/tracker.png", f"http://coplan.invalid{prefix()}../../etc.svg"]
)
def test_anything_else_is_refused(url):
    with pytest.raises(ValueError):
        static_fetcher().fetch(url)


def test_a_zero_radius_arc_reaches_the_pdf_as_the_straight_line_it_is():
    # The cream pictogram's cap: WeasyPrint drew "a0,0,0,0,1,0,0" as a curve outside the
    # bottle. Every other part of the picture is read unchanged.
    body = static_fetcher().fetch(f"http://coplan.invalid{prefix()}1F9F4.svg").read()
    assert b"a0,0," not in body
    assert b"h-7.4l0,0V21.4765" in body
    assert body.count(b"<path") == 7 and b'rx="6.8339"' in body
