"""CLI commands per area; each module lists its click commands in COMMANDS."""
