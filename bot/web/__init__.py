"""Our Sanic web app (port 8000): hosts the children's chat widget and its demo page.

`create_app(config)` builds the app from blueprints, so other pages (the moderation dashboard)
join it by adding their blueprint to `BLUEPRINTS` in bot/web/app.py.
"""
