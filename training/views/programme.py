"""The programme page (mission, guidelines, the sharing gate) and the live caption check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from training import selectors
from training.forms import CaptionCheckForm
from training.views import content_language


@login_required
@require_GET
def programme(request):
    programme = selectors.programme_get()
    current = selectors.guideline_current()
    language = content_language()
    context = {
        "programme": programme,
        "mission": programme.mission_for(language),
        "current": current,
        "guidelines_body": current.body_for(language) if current else "",
        "acknowledged": selectors.guideline_has_acknowledged(user=request.user, version=current),
        "gate": selectors.sharing_gate(user=request.user),
        "gate_enabled": programme.sharing_gate_enabled,
        "rules": selectors.caption_rules_for(language=language, programme=programme),
        "check_form": CaptionCheckForm(),
    }
    return render(request, "training/programme.html", context)


@login_required
@require_POST
def caption_check(request):
    """The live check of a draft caption: an HTMX partial, or a full page without JavaScript."""
    form = CaptionCheckForm(request.POST)
    context = {"check_form": form, "checked": False}
    if form.is_valid():
        language = content_language()
        caption, network = form.cleaned_data["caption"], form.cleaned_data["network"]
        context.update(
            checked=True,
            violations=selectors.caption_violations(
                caption=caption, network=network, language=language
            ),
            final_text=selectors.caption_final_text(
                caption=caption, network=network, language=language
            ),
        )
    template = "training/_caption_result.html" if request.htmx else "training/caption_check.html"
    return render(request, template, context)
