from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import selectors, services
from accounts.adapters import INVITATION_SESSION_KEY
from accounts.decorators import admin_required, manager_required, mfa_gate
from accounts.forms import (
    AllowedDomainForm,
    AuditFilterForm,
    InvitationForm,
    InvitationUploadForm,
    LanguageForm,
    MembershipForm,
    PeopleSearchForm,
    ProfileForm,
    SocialProfileForm,
    TeamForm,
)
from accounts.models import AllowedDomain, Team, User

PAGE_SIZE = 25


def _safe_next(request, candidate: str | None) -> str:
    """``candidate`` when it is a path on this site, else the home page: never another host
    (``//evil``, ``/\\evil``, ``https:evil``), never a bare word taken for a URL name."""
    if (
        candidate
        and candidate.startswith("/")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return reverse("home")


def _page(request, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


@require_POST
def set_language(request):
    """Switch the interface language; a signed-in person's choice is saved on their profile."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return HttpResponseRedirect(_safe_next(request, request.POST.get("next")))
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=language)
    translation.activate(language)
    response = HttpResponseRedirect(_safe_next(request, form.cleaned_data["next"]))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


# --- People --------------------------------------------------------------------------------


@manager_required
@require_GET
def people_list(request):
    form = PeopleSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = _page(request, selectors.people_for(viewer=request.user, query=query))
    template = "accounts/_people_rows.html" if request.htmx else "accounts/people_list.html"
    return render(request, template, {"form": form, "page": page, "query": query})


@login_required
@require_GET
def person_detail(request, pk: int):
    person = selectors.person_detail(person_id=pk)
    if person is None:
        raise Http404
    if person.pk != request.user.pk:
        # Only admins and managers of this person's teams see other people.
        if not selectors.person_visible_to(viewer=request.user, person=person):
            services.deny_and_404(request=request, target=person)
        gate = mfa_gate(request)
        if gate is not None:
            return gate
    # Individual follower counts are the person's own business and the admins': a manager
    # sees who is in their teams, not how many followers each one has.
    context = {
        "person": person,
        "show_follower_counts": person.pk == request.user.pk or request.user.is_admin,
    }
    if request.user.is_admin:
        context["membership_form"] = MembershipForm()
    return render(request, "accounts/person_detail.html", context)


@admin_required
@require_POST
def person_deactivate(request, pk: int):
    person = get_object_or_404(User, pk=pk)
    try:
        services.user_deactivate(user=person, by=request.user)
    except services.AccountsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(name)s is deactivated and signed out.") % {"name": person})
    return redirect("accounts:person_detail", pk=person.pk)


@admin_required
@require_POST
def person_reactivate(request, pk: int):
    person = get_object_or_404(User, pk=pk)
    services.user_reactivate(user=person, by=request.user)
    messages.success(request, _("%(name)s is active again.") % {"name": person})
    return redirect("accounts:person_detail", pk=person.pk)


@admin_required
@require_POST
def person_set_admin(request, pk: int):
    person = get_object_or_404(User, pk=pk)
    make_admin = request.POST.get("is_admin") == "true"
    try:
        services.user_set_admin(user=person, is_admin=make_admin, by=request.user)
    except services.AccountsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Role changed."))
    return redirect("accounts:person_detail", pk=person.pk)


@admin_required
@require_POST
def person_set_company_curator(request, pk: int):
    person = get_object_or_404(User, pk=pk)
    services.user_set_company_curator(
        user=person, company_curator=request.POST.get("company_curator") == "true", by=request.user
    )
    messages.success(request, _("Role changed."))
    return redirect("accounts:person_detail", pk=person.pk)


@admin_required
@require_POST
def person_membership_set(request, pk: int):
    person = get_object_or_404(User, pk=pk)
    form = MembershipForm(request.POST)
    if form.is_valid():
        services.membership_set(
            user=person,
            team=form.cleaned_data["team"],
            is_manager=form.cleaned_data["is_manager"],
            by=request.user,
        )
        messages.success(request, _("Team membership saved."))
    else:
        messages.error(request, _("Team: choose a team."))
    return redirect("accounts:person_detail", pk=person.pk)


@admin_required
@require_POST
def person_membership_remove(request, pk: int, team_pk: int):
    person = get_object_or_404(User, pk=pk)
    team = get_object_or_404(Team, pk=team_pk)
    services.membership_remove(user=person, team=team, by=request.user)
    messages.success(request, _("%(name)s left %(team)s.") % {"name": person, "team": team})
    return redirect("accounts:person_detail", pk=person.pk)


# --- Invitations and signup domains --------------------------------------------------------


@admin_required
@require_http_methods(["GET", "POST"])
def invite(request):
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(
                email=form.cleaned_data["email"],
                team=form.cleaned_data["team"],
                invited_by=request.user,
            )
        except services.AccountsError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(
                request,
                _("Invitation to %(email)s is on its way.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("accounts:invite")
    context = {
        "form": form,
        "upload_form": InvitationUploadForm(),
        "page": _page(request, selectors.invitations_pending()),
    }
    return render(request, "accounts/invite.html", context)


@admin_required
@require_POST
def invite_upload(request):
    form = InvitationUploadForm(request.POST, request.FILES)
    report = None
    if form.is_valid():
        report = services.invitations_import_csv(
            text=form.cleaned_data["file"], invited_by=request.user
        )
    return render(request, "accounts/invite_report.html", {"upload_form": form, "report": report})


@admin_required
@require_POST
def invitation_revoke(request, pk: int):
    invitation = get_object_or_404(selectors.invitations_pending(), pk=pk)
    services.invitation_revoke(invitation=invitation, by=request.user)
    messages.success(request, _("Invitation to %(email)s revoked.") % {"email": invitation.email})
    return redirect("accounts:invite")


@require_GET
def invitation_accept(request, token: str):
    """The link in the invitation email: remember it for signup, then go to the signup form."""
    invitation = services.invitation_find_valid(token=token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    if request.user.is_authenticated:
        return redirect("home")
    request.session[INVITATION_SESSION_KEY] = invitation.token
    # The link arrived by email, so following it proves the address: no second verification.
    get_adapter(request).stash_verified_email(request, invitation.email)
    return redirect("account_signup")


@admin_required
@require_http_methods(["GET", "POST"])
def domains(request):
    form = AllowedDomainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.allowed_domain_add(domain=form.cleaned_data["domain"], by=request.user)
        messages.success(request, _("Signup domain added."))
        return redirect("accounts:domains")
    page = _page(request, AllowedDomain.objects.order_by("domain"))
    return render(request, "accounts/domains.html", {"form": form, "page": page})


@admin_required
@require_POST
def domain_remove(request, pk: int):
    services.allowed_domain_remove(domain_id=pk, by=request.user)
    messages.success(request, _("Signup domain removed."))
    return redirect("accounts:domains")


# --- Teams ---------------------------------------------------------------------------------


@manager_required
@require_GET
def team_list(request):
    page = _page(request, selectors.teams_for(viewer=request.user))
    return render(request, "accounts/team_list.html", {"page": page})


@manager_required
@require_GET
def team_detail(request, pk: int):
    team = get_object_or_404(Team.objects.select_related("parent"), pk=pk)
    if not selectors.access_for(user=request.user).manages(team.pk):
        services.deny_and_404(request=request, target=team)
    page = _page(request, selectors.team_members(team=team))
    children = team.children.order_by("name")
    return render(
        request, "accounts/team_detail.html", {"team": team, "page": page, "children": children}
    )


@admin_required
@require_http_methods(["GET", "POST"])
def team_create(request):
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        team = services.team_create(
            name=form.cleaned_data["name"], parent=form.cleaned_data["parent"], by=request.user
        )
        messages.success(request, _("Team created."))
        return redirect("accounts:team_detail", pk=team.pk)
    return render(request, "accounts/team_form.html", {"form": form, "team": None})


@admin_required
@require_http_methods(["GET", "POST"])
def team_edit(request, pk: int):
    team = get_object_or_404(Team, pk=pk)
    initial = {"name": team.name, "parent": team.parent_id}
    form = TeamForm(request.POST or None, initial=initial, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_update(
                team=team,
                name=form.cleaned_data["name"],
                parent=form.cleaned_data["parent"],
                by=request.user,
            )
        except services.AccountsError as exc:
            form.add_error("parent", str(exc))
        else:
            messages.success(request, _("Team saved."))
            return redirect("accounts:team_detail", pk=team.pk)
    return render(request, "accounts/team_form.html", {"form": form, "team": team})


# --- My profile ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    initial = {
        "display_name": user.display_name,
        "language": user.language,
        "time_zone": user.time_zone,
    }
    form = ProfileForm(request.POST or None, initial=initial, prefix="profile")
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=user, **form.cleaned_data)
        messages.success(request, _("Profile saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", _profile_context(request, form=form))


def _profile_context(request, *, form=None, social_form=None):
    return {
        "form": form or ProfileForm(prefix="profile"),
        "social_form": social_form or SocialProfileForm(prefix="social"),
        "social_profiles": request.user.social_profiles.order_by("network"),
    }


@login_required
@require_POST
def social_profile_save(request):
    form = SocialProfileForm(request.POST, prefix="social")
    if form.is_valid():
        services.social_profile_save(user=request.user, **form.cleaned_data)
        messages.success(request, _("Social profile saved."))
        return redirect("accounts:profile")
    user = request.user
    profile_form = ProfileForm(
        initial={
            "display_name": user.display_name,
            "language": user.language,
            "time_zone": user.time_zone,
        },
        prefix="profile",
    )
    context = _profile_context(request, form=profile_form, social_form=form)
    return render(request, "accounts/profile.html", context, status=400)


@login_required
@require_POST
def social_profile_delete(request, pk: int):
    services.social_profile_delete(user=request.user, profile_id=pk)
    messages.success(request, _("Social profile removed."))
    return redirect("accounts:profile")


# --- Audit log -----------------------------------------------------------------------------


@admin_required
@require_GET
def audit_log(request):
    form = AuditFilterForm(request.GET)
    action = form.cleaned_data["action"] if form.is_valid() else ""
    page = _page(request, selectors.audit_events(action=action), size=50)
    return render(request, "accounts/audit_log.html", {"form": form, "page": page})
