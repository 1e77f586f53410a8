"""Writes of the posts app, by area: ``posts.services.library`` and ``posts.services.sharing``."""
