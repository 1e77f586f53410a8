"""Share views: the share page with its live caption check, recording a share, the page
after it, and "My shares"."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ambassador.networks import CAPTION_LIMITS, Network, caption_with_link, posted_length
from posts.forms import CaptionCheckForm, ShareForm
from posts.models import ContentItem, Share
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
from posts.services import shares as services
from posts.tracked_links import tracked_link_shaped, tracked_link_url
from posts.views import deny
from training.selectors import caption_final_text, caption_violations, sharing_gate

MY_SHARES_PAGE_SIZE = 20


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


def _share_page(request, *, item, network, form, status=200):
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
            **_caption_check(caption=caption, network=network),
        },
        status=status,
    )


@login_required
@require_GET
def share(request, pk: int):
    item = _shareable_item(request, pk)
    network = _network_from(request.GET.get("network"))
    needs_instance = network == Network.MASTODON and not mastodon_instance_of(user=request.user)
    form = ShareForm(
        initial={
            "network": network,
            "caption": caption_suggested(item=item, network=network, language=_language()),
        },
        needs_instance=needs_instance,
    )
    return _share_page(request, item=item, network=network, form=form)


@login_required
@require_POST
def share_submit(request, pk: int):
    item = _shareable_item(request, pk)
    network = _network_from(request.POST.get("network"))
    instance = mastodon_instance_of(user=request.user)
    form = ShareForm(request.POST, needs_instance=network == Network.MASTODON and not instance)
    if not form.is_valid():
        return _share_page(request, item=item, network=network, form=form, status=400)
    try:
        created = services.share_create(
            user=request.user,
            item=item,
            network=network,
            caption=form.cleaned_data["caption"],
            language=_language(),
            mastodon_instance=form.cleaned_data["mastodon_instance"],
        )
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
    """After recording: the tracked link and caption to copy, and the way on to the network."""
    created = Share.objects.select_related("item").filter(pk=pk, user=request.user).first()
    if created is None:
        deny(request, Share, pk)
    link = tracked_link_url(code=created.code)
    intent = ""
    instance = mastodon_instance_of(user=request.user)
    # Another network has no intent to open (copy link and caption); Mastodon needs a server.
    if created.network != OTHER_NETWORK and (created.network != Network.MASTODON or instance):
        intent = share_intent_url(
            network=created.network, link=link, caption=created.caption, instance_url=instance
        )
    return render(
        request,
        "posts/share_done.html",
        {
            "share": created,
            "link": link,
            "intent": intent,
            "url_only": created.network in URL_ONLY_NETWORKS,
            "copy_text": caption_with_link(
                network=created.network, text=created.caption, link=link
            ),
        },
    )


@login_required
@require_GET
def my_shares(request):
    page = Paginator(shares_of(user=request.user), MY_SHARES_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for row in page.object_list:
        row.link = tracked_link_url(code=row.code)
    return render(request, "posts/my_shares.html", {"page": page})
