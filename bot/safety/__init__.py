"""Safety: deterministic detection of crisis disclosures."""
