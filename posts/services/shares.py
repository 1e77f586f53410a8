"""Writes of shares: one employee sharing one item to one network, with its own tracked link."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from accounts.models import SocialProfile, User
from ambassador.networks import Network
from posts.models import ContentItem, Share
from posts.models.shares import SHARE_NETWORK_CHOICES
from posts.selectors import caption_suggested, check_network_for, followers_on, item_is_shareable
from posts.tracked_links import tracked_link_code_new, tracked_link_url
from training.selectors import caption_final_text, caption_violations, sharing_gate


class SharingError(Exception):
    """An expected failure of a sharing action."""


class SharingNotAllowed(SharingError):
    def __init__(self, missing):
        super().__init__("sharing not allowed yet")
        self.missing = missing


class CaptionRejected(SharingError):
    def __init__(self, violations):
        super().__init__("caption violates the guidelines")
        self.violations = violations


def share_code_new() -> str:
    """12 URL-safe characters = 72 random bits: short, and not guessable."""
    return tracked_link_code_new()


@transaction.atomic
def social_profile_set_mastodon_instance(*, user: User, instance_url: str) -> SocialProfile:
    """Store (or change) the person's Mastodon instance, e.g. ``https://mastodon.social``."""
    profile, _ = SocialProfile.objects.update_or_create(
        user=user,
        network=Network.MASTODON,
        defaults={"instance_url": instance_url.rstrip("/")},
    )
    return profile


@transaction.atomic
def share_create(
    *,
    user: User,
    item: ContentItem,
    network: str,
    caption: str,
    language: str,
    mastodon_instance: str = "",
) -> Share:
    """Record ``user`` sharing ``item`` on ``network`` with its own tracked link.

    The caption is the suggested one when the item does not allow edits; it must pass the
    guideline check with the tracked link appended as the network will count it, and the
    stored caption is the final text (with any disclosure; the link is appended on posting).
    ``mastodon_instance``, when given, is saved on the person's Mastodon profile.
    ``network`` may also be ``OTHER_NETWORK``: "copy link and caption" for any other network.
    """
    if not item_is_shareable(user=user, item=item):
        raise SharingNotAllowed(missing=[])
    gate = sharing_gate(user=user)
    if not gate.allowed:
        raise SharingNotAllowed(missing=gate.missing)
    if mastodon_instance:
        social_profile_set_mastodon_instance(user=user, instance_url=mastodon_instance)
    if network not in dict(SHARE_NETWORK_CHOICES):
        raise SharingError(f"unknown network {network!r}")
    if not item.caption_editable:
        caption = caption_suggested(item=item, network=network, language=language)
    rules_network = check_network_for(network)
    # The code first, so the caption is checked with the very link it will be posted with.
    code = share_code_new()
    violations = caption_violations(
        caption=caption,
        network=rules_network,
        language=language,
        link=tracked_link_url(code=code),
    )
    if violations:
        raise CaptionRejected(violations)
    final = caption_final_text(caption=caption, network=rules_network, language=language)
    followers = followers_on(user=user, network=network)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return Share.objects.create(
                    user=user,
                    item=item,
                    network=network,
                    caption=final,
                    followers_at_share=followers,
                    code=code,
                )
        except IntegrityError:  # a code collision: 1 in 2**72, but never fail on it
            # Every code has the same length: the caption checked above still fits.
            code = share_code_new()
    raise SharingError("could not allocate a tracked link code")
