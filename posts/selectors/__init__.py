"""Reads of the posts app, by area: ``posts.selectors.library`` and ``posts.selectors.sharing``."""
