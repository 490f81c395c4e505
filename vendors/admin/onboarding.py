"""Admin: onboarding."""
