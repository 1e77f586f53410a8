"""The social networks Ambassador knows, and their limits — kept in this one place."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Network(models.TextChoices):
    LINKEDIN = "LINKEDIN", _("LinkedIn")
    X = "X", _("X")
    FACEBOOK = "FACEBOOK", _("Facebook")
    MASTODON = "MASTODON", _("Mastodon")
    BLUESKY = "BLUESKY", _("Bluesky")


# Maximum caption length in characters, as each network counts them.
CAPTION_LIMITS: dict[str, int] = {
    Network.LINKEDIN: 3000,
    Network.X: 280,
    Network.FACEBOOK: 63206,
    Network.MASTODON: 500,
    Network.BLUESKY: 300,
}
