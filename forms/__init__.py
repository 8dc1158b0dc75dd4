"""WTForms classes: shape only (required, formats, choices); no database queries."""
