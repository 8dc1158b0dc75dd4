"""Whether the signed-in user may open a page: asked of the page's own @roles_required, so a
template shows a button or a form only to the roles its view admits, without naming roles."""
from __future__ import annotations

from flask import current_app
from flask_login import current_user

from subsidy.request_scope import is_public


def may(endpoint: str) -> bool:
    """True when the signed-in user may use ``endpoint`` (e.g. "lists.build"): a public view, a
    view that needs only sign-in, or one whose ``required_roles`` include the user's role.
    False for an unknown endpoint and for an anonymous user on a non-public view."""
    view = current_app.view_functions.get(endpoint)
    if view is None:
        return False
    if is_public(view):
        return True
    if not current_user.is_authenticated:
        return False
    roles = getattr(view, "required_roles", None)
    return roles is None or current_user.role in roles
