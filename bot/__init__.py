"""Child Online Protection assistant: our code around Rasa (CLI, NLU components, safety)."""
