"""Share views: the share page with its live caption check, recording a share (an intent,
or a post now or later through a connected account), the page after it, "My shares" with
the post's status and engagement, the post address pasted after an intent, cancelling a
scheduled post, and the admins' list of failed shares with a retry."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import mfa_gate
from accounts.models import Connection
from accounts.notifications import next_send_time
from accounts.selectors import access_for
from accounts.services import deny_and_404
from ambassador.networks import CAPTION_LIMITS, Network, caption_with_link, posted_length
from posts.forms import CaptionCheckForm, PostUrlForm, ShareForm
from posts.models import ContentItem, Share, ShareStatus
from posts.models.shares import OTHER_NETWORK, SHARE_NETWORK_CHOICES
from posts.networks.intents import URL_ONLY_NETWORKS, share_intent_url
from posts.selectors import (
    caption_suggested,
    check_network_for,
    items_shareable,
    mastodon_instance_of,
    share_network_label,
    share_networks,
    shares_of,
)
from posts.selectors.shares import (
    connection_on,
    latest_readings_attach,
    quiet_hours_for,
    shares_failed,
    shares_with_latest_reading,
)
from posts.services import publishing, share_posts
from posts.services import shares as services
from posts.tracked_links import tracked_link_shaped, tracked_link_url
from posts.views import deny
from training.selectors import caption_final_text, caption_violations, sharing_gate

MY_SHARES_PAGE_SIZE = 20
FAILED_PAGE_SIZE = 50
# Networks whose post a person can link to an intent share by pasting its address.
PASTABLE_NETWORKS = publishing.PUBLISHABLE


def _language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


def _shareable_item(request, pk: int) -> ContentItem:
    """An item ``request.user`` may share: live and aimed at them; else 404 (audited)."""
    item = items_shareable(user=request.user).filter(pk=pk).first()
    if item is None:
        deny(request, ContentItem, pk)
    return item


def _network_from(value: str | None) -> str:
    return value if value in dict(SHARE_NETWORK_CHOICES) else Network.LINKEDIN


def _caption_check(*, caption: str, network: str) -> dict:
    """The guideline check shown next to the caption: violations and the length as posted,
    with the disclosure and the tracked link (the share's code is not drawn yet: a link of
    the same length stands in for it)."""
    rules_network = check_network_for(network)
    language = _language()
    link = tracked_link_shaped()
    final = caption_final_text(caption=caption, network=rules_network, language=language)
    return {
        "violations": caption_violations(
            caption=caption, network=rules_network, language=language, link=link
        ),
        "length": posted_length(network=rules_network, text=final, link=link),
        # Another network has no limit we know of: no character count to show.
        "limit": None if network == OTHER_NETWORK else CAPTION_LIMITS[network],
    }


def _publishing(*, user, network: str) -> dict:
    """What the share page offers for posting through an account: ``publishable`` (connected
    and healthy), ``reconnect`` (the connection needs the person), ``connectable`` (the
    network can be connected but is not)."""
    connection = connection_on(user=user, network=network)
    publishable = (
        network in publishing.PUBLISHABLE
        and connection is not None
        and connection.state == Connection.State.CONNECTED
    )
    return {
        "connection": connection,
        "publishable": publishable,
        "reconnect": connection is not None and not publishable,
        "connectable": connection is None and network in publishing.PUBLISHABLE,
        "quiet_hours": quiet_hours_for(user=user) if publishable else None,
    }


def _share_form(request, *, network, data=None, initial=None, publish=None) -> ShareForm:
    publish = publish or _publishing(user=request.user, network=network)
    return ShareForm(
        data,
        initial=initial,
        needs_instance=network == Network.MASTODON and not mastodon_instance_of(user=request.user),
        time_zone=request.user.time_zone,
        publishable=publish["publishable"],
    )


def _share_page(request, *, item, network, form, status=200, publish=None):
    caption = form["caption"].value() or ""
    if not item.caption_editable:
        caption = caption_suggested(item=item, network=network, language=_language())
    return render(
        request,
        "posts/share.html",
        {
            "item": item,
            "network": network,
            "network_label": share_network_label(network),
            "networks": share_networks(),
            "other_network": network == OTHER_NETWORK,
            "form": form,
            "gate": sharing_gate(user=request.user),
            "publish": publish or _publishing(user=request.user, network=network),
            "time_zone": request.user.time_zone,
            **_caption_check(caption=caption, network=network),
        },
        status=status,
    )


@login_required
@require_GET
def share(request, pk: int):
    item = _shareable_item(request, pk)
    network = _network_from(request.GET.get("network"))
    publish = _publishing(user=request.user, network=network)
    form = _share_form(
        request,
        network=network,
        initial={
            "network": network,
            "caption": caption_suggested(item=item, network=network, language=_language()),
            "avoid_quiet_hours": True,
        },
        publish=publish,
    )
    return _share_page(request, item=item, network=network, form=form, publish=publish)


@login_required
@require_POST
def share_submit(request, pk: int):
    item = _shareable_item(request, pk)
    network = _network_from(request.POST.get("network"))
    instance = mastodon_instance_of(user=request.user)
    publish = _publishing(user=request.user, network=network)
    form = _share_form(request, network=network, data=request.POST, publish=publish)
    if not form.is_valid():
        return _share_page(
            request, item=item, network=network, form=form, status=400, publish=publish
        )
    action = form.cleaned_data["action"]
    try:
        if action in ShareForm.PUBLISH_ACTIONS:
            return _publish(request, item=item, network=network, form=form)
        created = services.share_create(
            user=request.user,
            item=item,
            network=network,
            caption=form.cleaned_data["caption"],
            language=_language(),
            mastodon_instance=form.cleaned_data["mastodon_instance"],
        )
    except publishing.PublishingError as exc:
        form.add_error(None, str(exc))
        return _share_page(request, item=item, network=network, form=form, status=400)
    except services.SharingNotAllowed:
        messages.error(request, _("Finish the steps below before you share."))
        return _share_page(request, item=item, network=network, form=form, status=403)
    except services.CaptionRejected:
        # The explanations are shown next to the caption, by the same check as while typing.
        return _share_page(request, item=item, network=network, form=form, status=400)
    if form.cleaned_data["action"] == ShareForm.ACTION_COPY or network in URL_ONLY_NETWORKS:
        return redirect("posts:share_done", pk=created.pk)
    return HttpResponseRedirect(
        share_intent_url(
            network=network,
            link=tracked_link_url(code=created.code),
            caption=created.caption,
            instance_url=form.cleaned_data["mastodon_instance"] or instance,
        )
    )


def _publish(request, *, item, network, form):
    """Post now or at the chosen time: the same guideline check and gate as an intent (the
    publishing service records the share through ``share_create``); "post now" is queued
    once the transaction commits."""
    at = None
    if form.cleaned_data["action"] == ShareForm.ACTION_SCHEDULE:
        at = form.cleaned_data["scheduled_for"]
        quiet = quiet_hours_for(user=request.user)
        if form.cleaned_data["avoid_quiet_hours"] and quiet:
            at = next_send_time(
                now=at, time_zone=request.user.time_zone, start=quiet[0], end=quiet[1]
            )
    created = publishing.share_publish_create(
        user=request.user,
        item=item,
        network=network,
        caption=form.cleaned_data["caption"],
        language=_language(),
        at=at,
    )
    if at is None:
        messages.success(request, _("Your post is on its way. This page shows when it is out."))
    else:
        local = timezone.localtime(created.scheduled_at, timezone.get_current_timezone())
        messages.success(
            request,
            _("Your post is scheduled for %(when)s.")
            % {"when": formats.date_format(local, "DATETIME_FORMAT")},
        )
    return redirect("posts:my_shares")


@login_required
@require_POST
def share_check(request, pk: int):
    """HTMX: the guideline check of the caption being typed, next to the caption."""
    item = _shareable_item(request, pk)
    form = CaptionCheckForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    network = form.cleaned_data["network"]
    caption = form.cleaned_data["caption"]
    if not item.caption_editable:
        caption = caption_suggested(item=item, network=network, language=_language())
    return render(
        request, "posts/_share_check.html", _caption_check(caption=caption, network=network)
    )


@login_required
@require_GET
def share_done(request, pk: int):
    """After recording: the tracked link and caption to copy, the way on to the network, and
    where to paste the post's address afterwards."""
    return render(request, "posts/share_done.html", _done_context(request, _own_share(request, pk)))


def _done_context(request, created: Share) -> dict:
    link = tracked_link_url(code=created.code)
    intent = ""
    instance = mastodon_instance_of(user=request.user)
    # Another network has no intent to open (copy link and caption); Mastodon needs a server.
    if created.network != OTHER_NETWORK and (created.network != Network.MASTODON or instance):
        intent = share_intent_url(
            network=created.network, link=link, caption=created.caption, instance_url=instance
        )
    return {
        "share": created,
        "post_url_form": PostUrlForm(auto_id=f"id_%s_{created.pk}"),
        "pastable": _pastable(created),
        "link": link,
        "intent": intent,
        "url_only": created.network in URL_ONLY_NETWORKS,
        "copy_text": caption_with_link(network=created.network, text=created.caption, link=link),
    }


def _pastable(share: Share) -> bool:
    return share.status == ShareStatus.INTENT_OPENED and share.network in PASTABLE_NETWORKS


def _own_share(request, pk: int) -> Share:
    """``request.user``'s share ``pk``; another person's is a 404, audited."""
    found = Share.objects.select_related("item").filter(pk=pk, user=request.user).first()
    if found is None:
        deny(request, Share, pk)
    return found


def _my_shares_page(request, *, form=None, form_share_id=None, status=200):
    page = Paginator(
        shares_with_latest_reading(shares_of(user=request.user)), MY_SHARES_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    latest_readings_attach(page.object_list)
    for row in page.object_list:
        row.link = tracked_link_url(code=row.code)
        row.pastable = _pastable(row)
        row.post_url_form = (
            form if row.pk == form_share_id else PostUrlForm(auto_id=f"id_%s_{row.pk}")
        )
    return render(request, "posts/my_shares.html", {"page": page}, status=status)


@login_required
@require_GET
def my_shares(request):
    return _my_shares_page(request)


@login_required
@require_POST
def share_post_url(request, pk: int):
    """After an intent: the address of the post the person made, so it counts as posted and
    its engagement can be read."""
    share = _own_share(request, pk)
    form = PostUrlForm(request.POST, auto_id=f"id_%s_{share.pk}")
    if form.is_valid():
        try:
            share_posts.share_post_url_set(
                share=share, url=form.cleaned_data["post_url"], user=request.user
            )
        except share_posts.PostUrlError as exc:
            form.add_error("post_url", str(exc))
    if not form.is_valid():
        if request.POST.get("next") == "done":
            return render(
                request,
                "posts/share_done.html",
                {**_done_context(request, share), "post_url_form": form},
                status=400,
            )
        if not _pastable(share):  # its row shows no form: say it above the list
            for error in form.errors.get("post_url", []):
                messages.error(request, error)
        return _my_shares_page(request, form=form, form_share_id=share.pk, status=400)
    messages.success(
        request, _("Thank you: the share counts as posted and its engagement will be read.")
    )
    return redirect("posts:my_shares")


@login_required
@require_POST
def share_cancel(request, pk: int):
    share = _own_share(request, pk)
    if share_posts.share_schedule_cancel(share=share, user=request.user):
        messages.success(request, _("The scheduled post is cancelled."))
    else:
        messages.error(request, _("It is too late to cancel: the post is already being sent."))
    return redirect("posts:my_shares")


def _admin_only(request):
    """Admins only: anyone else gets a 404 as if the page did not exist (audited)."""
    if not access_for(user=request.user).is_admin:
        deny_and_404(request=request)
    return mfa_gate(request)


@login_required
@require_GET
def failed_shares(request):
    if (gate := _admin_only(request)) is not None:
        return gate
    page = Paginator(shares_failed(), FAILED_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "posts/shares_failed.html", {"page": page})


@login_required
@require_POST
def share_retry(request, pk: int):
    if (gate := _admin_only(request)) is not None:
        return gate
    if share_posts.share_publish_retry(share_id=pk, by=request.user):
        messages.success(request, _("The post is queued again."))
    else:
        messages.error(request, _("This share is not a failed post any more."))
    return redirect(
        reverse("posts:failed_shares")
        + (f"?page={p}" if (p := request.POST.get("page", "")).isdigit() else "")
    )
