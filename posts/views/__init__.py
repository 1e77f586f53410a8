"""Views of the posts app, one module per entity: ``content`` (feed, item pages, curation,
suggestions), ``comments``, ``feeds``, ``shares`` (the share flow, my shares) and
``clicks`` (the tracked-link redirect ``/r/<code>``)."""
