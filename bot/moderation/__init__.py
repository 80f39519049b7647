"""The moderator dashboard: safeguarding staff review conversations, follow up flagged ones and
turn the bot's mistakes into training data (served by the web app under /moderation)."""
