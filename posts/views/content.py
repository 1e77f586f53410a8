"""Content views: the feed, item pages, curation and the review queue, suggestions.

Thin: parse and authorise, validate a form, one service call, redirect or render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import manager_required
from posts import selectors
from posts.forms import (
    CURATION_TABS,
    BulkActionForm,
    CommentForm,
    ContentEditForm,
    ContentItemForm,
    FeedFilterForm,
    RejectForm,
    RequestChangesForm,
    SuggestionForm,
)
from posts.models import ContentItem, ContentStatus
from posts.services import content as services
from posts.services import suggestions
from posts.views import deny

FEED_PAGE_SIZE = 20
QUEUE_PAGE_SIZE = 50
COMMENT_PAGE_SIZE = 50


def _viewer_language(request) -> str:
    return getattr(request, "LANGUAGE_CODE", "en") or "en"


def _attach_captions(items, *, network: str, language: str) -> None:
    for item in items:
        item.display_caption = selectors.pick_caption(item, network=network, language=language)


def item_access_or_404(request, pk: int) -> selectors.ItemAccess:
    """Item ``pk`` with what ``request.user`` may do with it; 404 (audited) when they may not
    open it."""
    access = selectors.item_access(user=request.user, pk=pk)
    if access is None:
        deny(request, ContentItem, pk)
    return access


def item_or_404(request, pk: int) -> ContentItem:
    return item_access_or_404(request, pk).item


def _curatable_or_404(request, pk: int) -> ContentItem:
    access = selectors.item_access(user=request.user, pk=pk)
    if access is None or not access.curate:
        deny(request, ContentItem, pk)
    return access.item


def show_error(request, exc: services.ContentError) -> None:
    messages.error(request, str(exc))


def _form_error(form, exc: services.ContentError) -> None:
    """The service's refusal on the form: next to its field when the form has it."""
    field = getattr(exc, "field", None)
    form.add_error(field if field in form.fields else None, str(exc))


# --- Feed --------------------------------------------------------------------------------------


@login_required
@require_GET
def feed(request):
    topics = list(selectors.topics_in_use())
    form = FeedFilterForm(request.GET or None, topics=topics)
    filters = form.cleaned_data if form.is_valid() else {}
    topic, network, q = filters.get("topic", ""), filters.get("network", ""), filters.get("q", "")
    items = selectors.feed_items(user=request.user, topic=topic, network=network, q=q)
    page = Paginator(items, FEED_PAGE_SIZE).get_page(request.GET.get("page"))
    _attach_captions(page.object_list, network=network, language=_viewer_language(request))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "filtered": bool(topic or network or q),
        "query": query.urlencode(),
        "can_curate": selectors.user_can_curate(user=request.user),
    }
    template = "posts/_feed_results.html" if request.htmx else "posts/feed.html"
    return render(request, template, context)


@login_required
@require_GET
def item_detail(request, pk: int):
    access = item_access_or_404(request, pk)
    item = access.item
    item.display_caption = selectors.pick_caption(item, language=_viewer_language(request))
    # Oldest first, newest last; without ``?comments=`` the last page (the newest) opens.
    comments = Paginator(selectors.item_comments(item=item), COMMENT_PAGE_SIZE)
    comments_page = comments.get_page(request.GET.get("comments") or comments.num_pages)
    return render(
        request,
        "posts/item_detail.html",
        {
            "item": item,
            "captions": list(item.captions.all()),
            "comments_page": comments_page,
            "comment_form": CommentForm(),
            "can_curate": access.curate,
            "can_approve": access.approve,
            "can_moderate": access.moderate,
            "is_live": access.share,
            "reject_form": RejectForm(),
            "changes_form": RequestChangesForm(),
        },
    )


# --- Curation ----------------------------------------------------------------------------------


@manager_required
@require_http_methods(["GET", "POST"])
def item_create(request):
    form = ContentItemForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.content_create(
                by=request.user, submit="submit" in request.POST, **form.service_kwargs()
            )
        except services.ContentError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The item was saved."))
            return redirect("posts:item_detail", pk=item.pk)
    return render(request, "posts/item_form.html", {"form": form, "item": None})


@manager_required
@require_http_methods(["GET", "POST"])
def item_edit(request, pk: int):
    item = _curatable_or_404(request, pk)
    form = ContentEditForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial=ContentItemForm.initial_for(item),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.content_update(
                item=item,
                by=request.user,
                remove_image=form.cleaned_data.get("remove_image", False),
                **form.service_kwargs(),
            )
        except services.ContentError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The item was saved."))
            return redirect("posts:item_detail", pk=item.pk)
    return render(request, "posts/item_form.html", {"form": form, "item": item})


@manager_required
@require_GET
def item_preview(request, pk: int):
    """The item exactly as an employee's feed would show it, whatever its status."""
    item = _curatable_or_404(request, pk)
    item.display_caption = selectors.pick_caption(item, language=_viewer_language(request))
    return render(request, "posts/item_preview.html", {"item": item})


def _transition_view(request, pk: int, action) -> HttpResponse:
    item = _curatable_or_404(request, pk)
    try:
        action(item)
    except services.ContentError as exc:
        show_error(request, exc)
    if request.POST.get("back") == "review":
        return redirect("posts:review")
    return redirect("posts:item_detail", pk=item.pk)


@manager_required
@require_POST
def item_approve(request, pk: int):
    def act(item):
        services.content_approve(item=item, by=request.user)
        messages.success(request, _("Approved: %(title)s") % {"title": item.display_title})

    return _transition_view(request, pk, act)


@manager_required
@require_POST
def item_reject(request, pk: int):
    form = RejectForm(request.POST)

    def act(item):
        if not form.is_valid():
            raise services.ContentValidationError(
                _("Reason: say why the item is rejected."), field="reason"
            )
        services.content_reject(item=item, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Rejected: %(title)s") % {"title": item.display_title})

    return _transition_view(request, pk, act)


@manager_required
@require_POST
def item_request_changes(request, pk: int):
    form = RequestChangesForm(request.POST)

    def act(item):
        if not form.is_valid():
            raise services.ContentValidationError(_("Note: say what should change."), field="note")
        services.content_request_changes(item=item, by=request.user, note=form.cleaned_data["note"])
        messages.success(request, _("Changes requested: %(title)s") % {"title": item.display_title})

    return _transition_view(request, pk, act)


@manager_required
@require_POST
def item_archive(request, pk: int):
    def act(item):
        services.content_archive(item=item, by=request.user)
        messages.success(request, _("Archived: %(title)s") % {"title": item.display_title})

    return _transition_view(request, pk, act)


@login_required
@require_POST
def item_submit(request, pk: int):
    item = item_or_404(request, pk)
    try:
        services.content_submit(item=item, by=request.user)
    except services.ContentError as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("Sent for review."))
    return redirect("posts:item_detail", pk=item.pk)


@manager_required
@require_GET
def review(request):
    status = request.GET.get("status", ContentStatus.IN_REVIEW)
    if status not in CURATION_TABS:
        status = ContentStatus.IN_REVIEW
    queue = selectors.review_queue(user=request.user, status=status)
    page = Paginator(queue, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.curation_counts(user=request.user)
    tabs = [(s, ContentStatus(s).label, counts.get(s, 0)) for s in CURATION_TABS]
    return render(
        request,
        "posts/review.html",
        {
            "page": page,
            "status": status,
            "tabs": tabs,
            "bulk_form": BulkActionForm(item_ids=[i.pk for i in page.object_list]),
        },
    )


@manager_required
@require_POST
def review_bulk(request):
    item_ids = [int(v) for v in request.POST.getlist("items") if v.isdigit()]
    form = BulkActionForm(request.POST, item_ids=item_ids)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("posts:review")
    try:
        done, skipped = services.content_bulk_action(
            by=request.user,
            item_ids=form.cleaned_data["items"],
            action=form.cleaned_data["action"],
            reason=form.cleaned_data.get("reason", ""),
        )
    except services.ContentError as exc:
        show_error(request, exc)
    else:
        messages.success(
            request,
            _("%(done)s items changed, %(skipped)s skipped.") % {"done": done, "skipped": skipped},
        )
    return redirect("posts:review")


# --- Suggestions -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def suggest(request):
    form = SuggestionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            suggestions.suggestion_create(by=request.user, **form.cleaned_data)
        except services.ContentError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request, _("Thank you! Your suggestion is waiting for review. You will hear back.")
            )
            return redirect("posts:my_suggestions")
    return render(request, "posts/suggest.html", {"form": form, "item": None})


@login_required
@require_GET
def my_suggestions(request):
    page = Paginator(selectors.suggestions_of(user=request.user), FEED_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "posts/my_suggestions.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def suggestion_edit(request, pk: int):
    item = ContentItem.objects.filter(
        pk=pk, suggested_by=request.user, status=ContentStatus.CHANGES_REQUESTED
    ).first()
    if item is None:
        if ContentItem.objects.filter(pk=pk, suggested_by=request.user).exists():
            # Their own suggestion, just not waiting for their changes: nothing to audit.
            raise Http404
        deny(request, ContentItem, pk)
    first_caption = item.captions.first()
    initial = {
        "url": item.url,
        "reason": item.suggestion_reason,
        "network": first_caption.network if first_caption else "",
        "caption": first_caption.text if first_caption else "",
    }
    form = SuggestionForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            suggestions.suggestion_update(item=item, by=request.user, **form.cleaned_data)
        except services.ContentError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Sent for review again."))
            return redirect("posts:my_suggestions")
    return render(request, "posts/suggest.html", {"form": form, "item": item})
