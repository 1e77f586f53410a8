"""Feed views: the admins' page of RSS/Atom feeds and why a failing one fails."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.decorators import admin_required
from posts import selectors

PAGE_SIZE = 50


@admin_required
@require_GET
def feeds(request):
    page = Paginator(selectors.feeds_for_admin(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "posts/feeds.html", {"page": page})
