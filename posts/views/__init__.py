"""Views of the posts app: ``library`` (feed, curation, suggestions, feeds, comments) and
``sharing`` (share flow, tracked links, my shares)."""
