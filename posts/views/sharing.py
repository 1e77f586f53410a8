"""sharing views: the share flow, my shares, and the tracked-link redirect ``/r/<code>``."""

import logging
from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from posts.forms_sharing import CaptionCheckForm, ShareForm
from posts.models import ContentItem, Share
from posts.models.sharing import OTHER_NETWORK, SHARE_NETWORK_CHOICES
from posts.networks import CAPTION_LIMITS, Network, caption_length
from posts.networks.intents import URL_ONLY_NETWORKS, share_intent_url
from posts.selectors.sharing import (
    caption_suggested,
    check_network_for,
    mastodon_instance_of,
    share_network_label,
    share_networks,
    shares_of,
    tracked_link_url,
)
from posts.services import sharing as services
from training.selectors import caption_final_text, caption_violations, sharing_gate

logger = logging.getLogger(__name__)

MY_SHARES_PAGE_SIZE = 20


def _language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


def _visible_item(request, pk: int) -> ContentItem:
    return get_object_or_404(ContentItem.objects.visible_to(request.user), pk=pk)


def _network_from(value: str | None) -> str:
    return value if value in dict(SHARE_NETWORK_CHOICES) else Network.LINKEDIN


def _caption_check(*, caption: str, network: str) -> dict:
    """The guideline check shown next to the caption: violations and the final length."""
    rules_network = check_network_for(network)
    language = _language()
    return {
        "violations": caption_violations(caption=caption, network=rules_network, language=language),
        "length": caption_length(
            rules_network,
            caption_final_text(caption=caption, network=rules_network, language=language),
        ),
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
    item = _visible_item(request, pk)
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
    item = _visible_item(request, pk)
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
    item = _visible_item(request, pk)
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
    created = get_object_or_404(Share.objects.select_related("item"), pk=pk, user=request.user)
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
            "copy_text": f"{created.caption}\n\n{link}" if created.caption else link,
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


# --- The tracked link -----------------------------------------------------------------------


def _client_address(request) -> str:
    """The client address for hashing and limits: REMOTE_ADDR, or the trusted proxy's view."""
    proxies = settings.ALLAUTH_TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _visitor_user_id(request) -> str | None:
    """The signed-in person's id from their session, without touching the user table.

    Only visitors who carry our session cookie (people of this company, on this domain)
    cost a session read (one query with database sessions); everyone else costs nothing.
    On a separate short-link domain the cookie is never sent, and the sharer's own click is
    then counted like anyone's. The session is read through its own store, not
    ``request.session``: a stale or unknown cookie must not make the response delete it
    (a Set-Cookie on /r/), and a valid one must not add ``Vary: Cookie``.
    """
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not session_key:
        return None
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    return store.get(SESSION_KEY)


@require_http_methods(["GET", "HEAD"])
def tracked_link(request, code: str):
    """302 to the stored destination; counts the click when it is a human's."""
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    address = _client_address(request)
    link = services.tracked_link_follow(
        code=code,
        countable=services.click_is_countable(
            method=request.method, meta=request.META, user_agent=user_agent
        ),
        visitor_user_id=_visitor_user_id(request),
        address=address,
        user_agent=user_agent,
    )
    if link is None:
        # Served before LocaleMiddleware (posts.middleware): pick the visitor's language here.
        translation.activate(translation.get_language_from_request(request))
        if services.guess_limited(address=address):
            response = HttpResponse(
                _("Too many unknown links from your address. Try again later."),
                status=429,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = str(settings.TRACKED_LINK_GUESS_WINDOW_SECONDS)
            response["Cache-Control"] = "no-store"
            return response
        # Not the site's 404 page: its layout carries a CSRF token, which would set a cookie.
        response = render(request, "posts/link_not_found.html", status=404)
        response["Cache-Control"] = "no-store"
        # Before the CSP middleware too: this page's own policy (its stylesheet, nothing else).
        response["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'"
        )
        response["X-Frame-Options"] = "DENY"
        return response
    response = HttpResponseRedirect(link.destination)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
