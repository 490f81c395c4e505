"""Admin: registry."""
