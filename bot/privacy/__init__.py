"""Privacy: masking personal data before conversations are stored or shown."""
