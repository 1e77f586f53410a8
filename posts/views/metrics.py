"""Reach metrics pages: dashboards, your reach, definitions, CSV downloads, leaderboards,
the reach calculator, EMV rates and point weights, and the personal-data download.

Asking for a team, a table or a person one may not see answers 404, exactly as if it did
not exist, and leaves an audit event.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import admin_required, mfa_gate
from accounts.models import User
from accounts.selectors import access_for
from accounts.services import deny_and_404
from posts.forms.metrics import CalculatorForm, MetricRateForm, PeriodForm, PointWeightsForm
from posts.metrics_csv import csv_response
from posts.metrics_definitions import DEFINITIONS, EMV_FORMULA
from posts.metrics_tables import dashboard_tables, person_tables, shares_table
from posts.selectors import leaderboards as boards
from posts.selectors import metric_scopes as scopes
from posts.selectors import metrics as selectors
from posts.selectors.calculator import reach_calculator
from posts.selectors.personal_data import personal_data as personal_data_of
from posts.selectors.points import point_weights
from posts.services import metrics as services

DASHBOARD_TABLES = ("summary", "weeks", "networks", "teams", "content", "people", "shares")
PERSON_TABLES = ("summary", "weeks", "shares")


def _team_id(request) -> int | None:
    value = request.GET.get("team", "")
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        deny_and_404(request=request)


def _sees_teams(request) -> bool:
    """Manager or admin (the request's access, shared with the navigation)."""
    return access_for(user=request.user).may_curate


def _scope_or_404(request) -> scopes.Scope:
    """The scope asked for, if the viewer may see it; otherwise 404 and an audit event."""
    scope = scopes.dashboard_scope(viewer=request.user, team_id=_team_id(request))
    if scope is None:
        deny_and_404(request=request)
    return scope


def _period(request) -> tuple[PeriodForm, selectors.Period]:
    form = PeriodForm(request.GET or None)
    return form, form.period_or_default()


def _chart_data(tables) -> dict:
    """What the charts draw: exactly the numbers of the tables beside them."""
    weeks = tables["weeks"]
    data = {
        "weeks": {
            "labels": [row[0].csv_value for row in weeks.rows],
            "series": [
                {"label": _("Clicks"), "values": [row[5].value for row in weeks.rows]},
                {"label": _("Unique visitors"), "values": [row[6].value for row in weeks.rows]},
                {
                    "label": _("Shares"),
                    "values": [row[2].value + row[3].value for row in weeks.rows],
                },
            ],
        }
    }
    networks = tables.get("networks")
    if networks is not None:
        data["networks"] = {
            "labels": [row[0].value for row in networks.rows],
            "series": [
                {
                    "label": _("Potential reach"),
                    "values": [row[3].value for row in networks.rows],
                },
                {"label": _("Clicks"), "values": [row[4].value for row in networks.rows]},
            ],
        }
    return data


@login_required
@require_GET
def dashboard(request):
    """A manager's teams, an admin's programme; an employee's own reach."""
    if not _sees_teams(request):
        if "team" in request.GET:
            deny_and_404(request=request)
        return your_reach(request)
    gate = mfa_gate(request)
    if gate is not None:
        return gate
    scope = _scope_or_404(request)
    form, period = _period(request)
    context = {
        "scope": scope,
        "form": form,
        "period": period,
        "teams": scopes.selectable_teams(viewer=request.user),
        "definitions": DEFINITIONS,
        "emv_formula": EMV_FORMULA,
        "min_group_size": scopes.min_group_size(),
        "query": _query(request, period),
        "exports": _exports("metrics:export", DASHBOARD_TABLES, _query(request, period)),
    }
    if not scope.too_small:
        dash = selectors.dashboard(scope=scope, period=period, viewer=request.user)
        tables = dashboard_tables(dash)
        context.update(dash=dash, tables=tables, chart_data=_chart_data(tables))
        if request.user.is_admin and scope.is_programme:
            context["calculator"] = reach_calculator()
    return render(request, "posts/metrics/dashboard.html", context)


def _exports(name: str, tables, query: str) -> dict[str, str]:
    return {table: reverse(name, args=[table]) + "?" + query for table in tables}


def _query(request, period: selectors.Period) -> str:
    query = period.as_query()
    team = request.GET.get("team", "")
    if team.isdigit():
        query += f"&team={team}"
    return query


@login_required
@require_GET
def export(request, table: str):
    """One dashboard table, or the shares behind it, as CSV."""
    if table not in DASHBOARD_TABLES or not _sees_teams(request):
        deny_and_404(request=request)
    gate = mfa_gate(request)
    if gate is not None:
        return gate
    scope = _scope_or_404(request)
    _form, period = _period(request)
    if scope.too_small:
        deny_and_404(request=request)
    if table == "shares":
        found = shares_table(selectors.share_lines(period=period, scope=scope))
    else:
        dash = selectors.dashboard(scope=scope, period=period, viewer=request.user)
        found = dashboard_tables(dash)[table]
    services.metrics_export_record(
        actor=request.user,
        export=f"metrics:{table}",
        detail={
            "scope": sorted(scope.team_ids) if scope.team_ids is not None else "programme",
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "rows": len(found.rows),
        },
    )
    return csv_response(
        filename=f"reach-{table}-{period.start}-{period.end}.csv",
        header=found.csv_header,
        rows=found.csv_rows,
    )


@login_required
@require_GET
def your_reach(request):
    form, period = _period(request)
    reach = selectors.person_reach(user=request.user, period=period)
    tables = person_tables(reach)
    return render(
        request,
        "posts/metrics/me.html",
        {
            "reach": reach,
            "form": form,
            "period": period,
            "tables": tables,
            "chart_data": _chart_data(tables),
            "definitions": DEFINITIONS,
            "exports": _exports("metrics:me_export", PERSON_TABLES, period.as_query()),
        },
    )


@login_required
@require_GET
def your_export(request, table: str):
    if table not in PERSON_TABLES:
        raise Http404
    _form, period = _period(request)
    reach = selectors.person_reach(user=request.user, period=period)
    found = person_tables(reach)[table]
    services.metrics_export_record(
        actor=request.user,
        export=f"metrics:me:{table}",
        detail={"start": period.start.isoformat(), "end": period.end.isoformat()},
    )
    return csv_response(
        filename=f"my-reach-{table}-{period.start}-{period.end}.csv",
        header=found.csv_header,
        rows=found.csv_rows,
    )


@login_required
@require_GET
def person(request, pk: int):
    """One person's figures: for themself, or a manager or admin of theirs if they opted in."""
    person = User.objects.filter(pk=pk).first()
    if person is None:
        raise Http404
    if person.pk == request.user.pk:
        return redirect("metrics:me")
    if not selectors.person_figures_visible_to(viewer=request.user, person=person):
        deny_and_404(request=request, target=person)
    gate = mfa_gate(request)
    if gate is not None:
        return gate
    form, period = _period(request)
    reach = selectors.person_reach(user=person, period=period)
    tables = person_tables(reach)
    return render(
        request,
        "posts/metrics/person.html",
        {
            "person": person,
            "reach": reach,
            "form": form,
            "period": period,
            "tables": tables,
            "chart_data": _chart_data(tables),
            "definitions": DEFINITIONS,
        },
    )


@login_required
@require_GET
def definitions(request):
    return render(
        request,
        "posts/metrics/definitions.html",
        {
            "definitions": DEFINITIONS,
            "emv_formula": EMV_FORMULA,
            "min_group_size": scopes.min_group_size(),
        },
    )


# --- Leaderboards ---------------------------------------------------------------------------------


@login_required
@require_GET
def leaderboard(request):
    form, period = _period(request)
    board = boards.leaderboard(period=period, viewer=request.user)
    return render(
        request,
        "posts/metrics/leaderboard.html",
        {"board": board, "form": form, "period": period, "definitions": DEFINITIONS},
    )


@login_required
@require_http_methods(["GET", "POST"])
def opt_in(request):
    if request.method == "POST":
        if request.POST.get("choice") == "in":
            services.leaderboard_opt_in(user=request.user)
            messages.success(request, _("You now appear on the leaderboards with your figures."))
        else:
            services.leaderboard_opt_out(user=request.user)
            messages.success(request, _("You no longer appear on any leaderboard."))
        return redirect("metrics:opt_in")
    return render(
        request,
        "posts/metrics/opt_in.html",
        {"opted_in": boards.is_opted_in(user=request.user)},
    )


# --- The reach calculator ---------------------------------------------------------------------------


@login_required
@require_GET
def calculator(request):
    base = reach_calculator()
    form = CalculatorForm(request.GET or None, initial=base.initial)
    result = base
    if form.is_bound and form.is_valid():
        result = reach_calculator(
            ambassadors=form.cleaned_data["ambassadors"],
            shares_per_month=form.cleaned_data["shares_per_month"],
            followers=form.cleaned_data["followers"],
        )
    template = (
        "posts/metrics/_calculator_result.html" if request.htmx else "posts/metrics/calculator.html"
    )
    return render(
        request,
        template,
        {"calculator": result, "form": form, "definitions": DEFINITIONS},
    )


# --- Admin: EMV rates and point weights ---------------------------------------------------------------


@admin_required
@require_http_methods(["GET", "POST"])
def rates(request):
    form = MetricRateForm(request.POST or None, initial={"effective_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        services.metric_rate_create(**form.cleaned_data, by=request.user)
        messages.success(request, _("The rates are saved."))
        return redirect("metrics:rates")
    return render(
        request,
        "posts/metrics/rates.html",
        {"form": form, "rates": selectors.rate_book().rates, "emv_formula": EMV_FORMULA},
    )


@admin_required
@require_POST
def rate_delete(request, pk: int):
    if not services.metric_rate_delete(rate_id=pk, by=request.user):
        raise Http404
    messages.success(request, _("The rates are deleted."))
    return redirect("metrics:rates")


@admin_required
@require_http_methods(["GET", "POST"])
def points(request):
    form = PointWeightsForm(request.POST or None, initial_weights=point_weights())
    if request.method == "POST" and form.is_valid():
        services.point_weights_set(weights=form.weights(), by=request.user)
        messages.success(request, _("The points are saved."))
        return redirect("metrics:points")
    return render(request, "posts/metrics/points.html", {"form": form})


# --- Personal data -----------------------------------------------------------------------------------


@login_required
@require_GET
def personal_data(request):
    """Everything stored about the person, as one JSON file; nothing about anyone else."""
    data = personal_data_of(user=request.user)
    services.metrics_export_record(
        actor=request.user, export="personal-data", detail={"sections": sorted(data)}
    )
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    response["Cache-Control"] = "no-store"
    return response
