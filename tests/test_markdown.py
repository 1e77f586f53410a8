import pytest

from ambassador.markdown import render_markdown

PAYLOADS = [
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="https://evil.example"></iframe>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_render_markdown_payload_is_inert(payload):
    html = render_markdown(payload).lower()
    assert "onerror" not in html
    assert "javascript:" not in html
    assert "<script" not in html
    assert "<iframe" not in html
    assert "style=" not in html
    assert "<svg" not in html


def test_render_markdown_keeps_formatting():
    html = render_markdown("# Title\n\n**bold** and [link](https://example.com)")
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.com"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
