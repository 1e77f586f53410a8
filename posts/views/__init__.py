"""Views of the posts app, one module per entity: ``content`` (feed, item pages, curation,
suggestions), ``comments``, ``feeds``, ``shares`` (the share flow, my shares), ``clicks``
(the tracked-link redirect ``/r/<code>``), ``reminders`` and ``metrics`` (reach pages)."""
