"""Entry point: `flask --app app …` finds `app` here."""
from subsidy import create_app

app = create_app()
