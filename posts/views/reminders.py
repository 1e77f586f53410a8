"""reminders views: the digest's share link, and a curator's "tell its audience now"."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import manager_required
from posts import reminders
from posts.selectors import items_curatable, items_shareable


@login_required
@require_GET
def digest_share(request, token: str):
    """Click 1 of two: the signed link from the digest opens the share page for that item
    and network (a signed-out person signs in first and lands here again)."""
    try:
        link = reminders.share_link_read(token=token)
    except reminders.ShareLinkExpired:
        messages.info(request, _("That share link has expired. Here is what you can share now."))
        return redirect("posts:feed")
    if link is None or link.user_id != request.user.pk:
        return render(request, "posts/digest_link_invalid.html", status=404)
    if not items_shareable(user=request.user).filter(pk=link.item_id).exists():
        messages.info(request, _("That item is no longer in the library."))
        return redirect("posts:feed")
    url = reverse("posts:share", args=[link.item_id])
    return redirect(f"{url}?{urlencode({'network': link.network})}")


@manager_required
@require_POST
def item_announce(request, pk: int):
    item = get_object_or_404(items_curatable(user=request.user), pk=pk)
    if request.POST.get("notify_audience") != "on":
        messages.error(request, _("Tick the box to tell the item's audience."))
        return redirect("posts:item_detail", pk=item.pk)
    try:
        reminders.featured_announce_request(item=item, by=request.user)
    except reminders.ReminderError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Its audience will hear about it shortly, each within their own quiet hours."),
        )
    return redirect("posts:item_detail", pk=item.pk)
