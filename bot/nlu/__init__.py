"""NLU building blocks that Rasa loads from config.yml."""
