"""Models of the posts app, one module per area (content library, sharing)."""

from posts.models.content import Caption, ContentItem, ContentStatus, Topic

__all__ = ["Caption", "ContentItem", "ContentStatus", "Topic"]
