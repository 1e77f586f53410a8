from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, number: int, param: str = "page") -> str:
    """The current URL's query string with ``param`` set to ``number`` (filters survive)."""
    query = context["request"].GET.copy()
    query[param] = number
    return "?" + query.urlencode()
