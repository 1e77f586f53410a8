"""Comment views: write, edit and remove comments under an item the person may open."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import manager_required
from posts.forms import CommentForm
from posts.models import Comment
from posts.services import comments as services
from posts.services.content import ContentError
from posts.views import deny
from posts.views.content import item_or_404, show_error


def _detail_url(pk: int, anchor: str = "") -> str:
    url = reverse("posts:item_detail", args=[pk])
    return f"{url}#{anchor}" if anchor else url


def _comment_or_404(request, pk: int) -> Comment:
    comment = get_object_or_404(Comment.objects.select_related("item"), pk=pk)
    # The comment's item must be one the person may open at all.
    item_or_404(request, comment.item_id)
    return comment


@login_required
@require_POST
def comment_create(request, pk: int):
    item = item_or_404(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = services.comment_create(
                item=item, by=request.user, body=form.cleaned_data["body"]
            )
        except ContentError as exc:
            show_error(request, exc)
        else:
            return redirect(_detail_url(item.pk, f"comment-{comment.pk}"))
    else:
        messages.error(request, _("Comment: write something first."))
    return redirect(_detail_url(item.pk, "comments"))


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request, pk: int):
    comment = _comment_or_404(request, pk)
    if comment.author_id != request.user.pk:
        deny(request, Comment, comment.pk)
    if comment.removed_at:
        raise Http404
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_update(
                comment=comment, by=request.user, body=form.cleaned_data["body"]
            )
        except ContentError as exc:
            form.add_error("body", str(exc))
        else:
            return redirect(_detail_url(comment.item_id, f"comment-{comment.pk}"))
    return render(request, "posts/comment_edit.html", {"form": form, "comment": comment})


@manager_required
@require_POST
def comment_remove(request, pk: int):
    comment = _comment_or_404(request, pk)
    try:
        services.comment_remove(comment=comment, by=request.user)
    except ContentError as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("The comment was removed."))
    return redirect(_detail_url(comment.item_id, "comments"))
