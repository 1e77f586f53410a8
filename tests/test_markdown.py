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


@pytest.mark.parametrize(
    "source",
    [
        "![tracker](https://evil.example/pixel.png)",
        "![tracker](http://evil.example/pixel.png)",
        "![tracker](//evil.example/pixel.png)",
        '<img src="/\\evil.example/pixel.png">',
        '<img src="/&#9;/evil.example/pixel.png">',
        '<img src="data:image/png;base64,iVBORw0KGgo=">',
    ],
)
def test_render_markdown_strips_remote_image_source(source):
    html = render_markdown(source)
    assert "<img" in html
    assert "src=" not in html


@pytest.mark.parametrize("src", ["/media/content/chart.png", "chart.png"])
def test_render_markdown_keeps_local_image_source(src):
    assert f'<img alt="chart" src="{src}">' in render_markdown(f"![chart]({src})")


def test_render_markdown_keeps_remote_links():
    assert 'href="https://example.com/a"' in render_markdown("[a](https://example.com/a)")
