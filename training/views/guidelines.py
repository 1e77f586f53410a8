"""Posting guidelines: acknowledging the current version, every version, comparing two."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from training import selectors, services
from training.diff import line_diff
from training.forms import GuidelineCompareForm
from training.models import GuidelineVersion
from training.views import content_language

PAGE_SIZE = 25


@login_required
@require_POST
def guidelines_acknowledge(request):
    try:
        version_id = int(request.POST.get("version", ""))
    except ValueError:
        version_id = None
    try:
        services.guidelines_acknowledge(user=request.user, version_id=version_id)
    except services.TrainingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Thank you. You have acknowledged the posting guidelines."))
    return redirect("training:programme")


@login_required
@require_GET
def guideline_versions(request):
    page = Paginator(selectors.guideline_versions(), PAGE_SIZE).get_page(request.GET.get("page"))
    versions = list(GuidelineVersion.objects.order_by("-number").only("number")[:200])
    return render(
        request,
        "training/guideline_versions.html",
        {"page": page, "compare_form": GuidelineCompareForm(versions=versions)},
    )


@login_required
@require_GET
def guideline_version(request, number: int):
    version = get_object_or_404(
        GuidelineVersion.objects.select_related("published_by"), number=number
    )
    current = selectors.guideline_current()
    return render(
        request,
        "training/guideline_version.html",
        {
            "version": version,
            "body": version.body_for(content_language()),
            "is_current": current is not None and current.pk == version.pk,
        },
    )


@login_required
@require_GET
def guideline_diff(request):
    versions = list(GuidelineVersion.objects.order_by("-number"))
    form = GuidelineCompareForm(request.GET, versions=versions)
    if not form.is_valid():
        return render(
            request, "training/guideline_diff.html", {"form": form, "rows": None}, status=400
        )
    by_number = {v.number: v for v in versions}
    old, new = by_number[form.cleaned_data["old"]], by_number[form.cleaned_data["new"]]
    language = content_language()
    rows = line_diff(old.body_for(language), new.body_for(language))
    return render(
        request,
        "training/guideline_diff.html",
        {"form": form, "old": old, "new": new, "rows": rows},
    )
