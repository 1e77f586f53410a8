"""Writes of the posts app, one module per entity: ``content`` (items and their workflow),
``suggestions``, ``comments``, ``previews``, ``feeds``, ``shares``, ``clicks``,
``publishing``, ``engagement`` and ``metrics`` (rollups, rates, points, opt-ins)."""
