"""Writes of the posts app, one module per entity: ``content`` (items and their workflow),
``suggestions``, ``comments``, ``previews``, ``feeds``, ``shares`` and ``clicks``."""
