"""Guidelines and training figures of the teams a manager (or an admin) is responsible for."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.decorators import manager_required
from accounts.models import Team
from training import selectors
from training.views import deny


@manager_required
@require_GET
def team_status(request):
    """Figures per team; the module columns are paged (``?modules=``) and the page says
    which modules it shows out of how many."""
    overview = selectors.teams_training_for(
        user=request.user, page=request.GET.get("page"), modules_page=request.GET.get("modules")
    )
    context = {**vars(overview), "query": f"modules={overview.module_page.number}"}
    return render(request, "training/team_status.html", context)


@manager_required
@require_GET
def team_detail(request, pk: int):
    """One team: acknowledgement by name, training as team figures; individuals for admins."""
    detail = selectors.team_training_for(
        user=request.user,
        team_id=pk,
        page=request.GET.get("page"),
        modules_page=request.GET.get("modules"),
    )
    if detail is None:
        deny(request, Team.objects.filter(pk=pk).first())
    context = {**vars(detail), "query": f"modules={detail.module_page.number}"}
    return render(request, "training/team_detail.html", context)
