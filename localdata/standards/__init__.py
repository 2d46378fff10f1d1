"""standards."""
