"""Reading what a page's form carries back, as a browser sends it."""
from __future__ import annotations

import html
import re


def seen(client, url: str, form_action: str | None = None) -> str:  # noqa: ANN001 - a Flask test client
    """The value of the «seen» hidden field (what the page showed: services.versions) of the page
    at ``url`` (the first one, or the one in the form posting to ``form_action``), as a browser
    would send it back."""
    page = client.get(url).get_data(as_text=True)
    if form_action is not None:
        page = page[page.index(f'action="{form_action}"'):]
    m = re.search(r'<input[^>]*name="seen"[^>]*>', page)
    assert m is not None, f"no «seen» field on {url}"
    value = re.search(r'value="([^"]*)"', m.group(0))
    return html.unescape(value.group(1)) if value else ""
