from django import template

from training import selectors

register = template.Library()


@register.inclusion_tag("training/_home_card.html", takes_context=True)
def training_home_card(context):
    """The home page's card: may this person share, and what is missing."""
    user = context["request"].user
    return {"gate": selectors.sharing_gate(user=user), "request": context["request"]}


@register.filter
def summary(version) -> str:
    """A guidelines version's change summary in the active language (or its fallback)."""
    return version.summary_for(None)


@register.filter
def progress_step(percent) -> int:
    """0-100 rounded down to tens, for the ``training-w-N`` width classes (no inline styles)."""
    try:
        value = int(percent)
    except (TypeError, ValueError):
        return 0
    return max(0, min(100, value // 10 * 10))
