"""sharing views."""
