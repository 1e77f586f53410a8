"""Writes of the posts app, one module per entity: ``content`` (items, their workflow and
suggestions), ``comments``, ``previews``, ``feeds``, ``shares`` and ``clicks``."""
