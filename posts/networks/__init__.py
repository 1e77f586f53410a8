"""The network vocabulary now lives in ``ambassador.networks``; re-exported while posts moves."""

from ambassador.networks import (
    CAPTION_LIMITS,
    URL_LENGTH,
    Network,
    caption_fits,
    caption_length,
    caption_room,
    caption_with_link,
    posted_length,
)

__all__ = [
    "CAPTION_LIMITS",
    "URL_LENGTH",
    "Network",
    "caption_fits",
    "caption_length",
    "caption_room",
    "caption_with_link",
    "posted_length",
]
