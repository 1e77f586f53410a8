"""library views."""
