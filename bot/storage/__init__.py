"""Where conversations are kept: the SQL tracker store on the shared database (bot/database.py)."""
