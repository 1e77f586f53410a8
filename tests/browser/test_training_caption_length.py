"""The live caption counter in static/js/library.js counts as the server does."""

from pathlib import Path

import pytest
from playwright.sync_api import Page

from ambassador.networks import caption_length
from tests.test_networks import LENGTHS

LIBRARY_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "library.js"


@pytest.mark.browser
def test_js_caption_length_matches_the_server_rule(page: Page):
    page.set_content("<!doctype html><html><body></body></html>")
    page.add_script_tag(path=str(LIBRARY_JS))
    cases = [(str(network), text) for _id, network, text, _n in LENGTHS]
    counted = page.evaluate("(cases) => cases.map(([n, t]) => captionLength(n, t))", cases)
    assert counted == [caption_length(network, text) for network, text in cases]
