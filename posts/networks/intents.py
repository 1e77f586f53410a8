"""Share-intent URLs: where the browser goes to post a tracked link on each network."""

from urllib.parse import quote, urlencode

from ambassador.networks import Network, caption_with_link

# Networks whose intent takes only a URL: the caption goes to the clipboard instead.
URL_ONLY_NETWORKS = frozenset({Network.LINKEDIN, Network.FACEBOOK})


def share_intent_url(*, network: str, link: str, caption: str, instance_url: str = "") -> str:
    """The network's share intent for ``link`` with ``caption`` (where the network takes one).

    Mastodon and Bluesky take one text: the caption and the link joined as the share check
    counted them. X takes both and joins them itself, with a space.
    """
    text = caption_with_link(network=network, text=caption, link=link)
    if network == Network.LINKEDIN:
        return "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": link})
    if network == Network.X:
        return "https://x.com/intent/post?" + urlencode({"text": caption, "url": link})
    if network == Network.FACEBOOK:
        return "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": link})
    if network == Network.MASTODON:
        if not instance_url:
            raise ValueError("A Mastodon share needs the person's instance.")
        return instance_url.rstrip("/") + "/share?text=" + quote(text, safe="")
    if network == Network.BLUESKY:
        return "https://bsky.app/intent/compose?text=" + quote(text, safe="")
    raise ValueError(f"Unknown network {network!r}")
