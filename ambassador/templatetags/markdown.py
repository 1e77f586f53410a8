from django import template

from ambassador.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    """``{{ text|markdown }}``: sanitised HTML from Markdown."""
    return render_markdown(text)
