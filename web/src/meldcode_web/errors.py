"""What the portal shows when something stops a page: not logged in, not allowed, a bad form
token, a service that refused or is away. Each becomes a Dutch page (or a redirect to log in)."""

from __future__ import annotations


class LoginRequired(Exception):
    """No (valid) session: the user goes to the login page and comes back to `next_url`."""

    def __init__(self, next_url: str = "/") -> None:
        super().__init__("login required")
        self.next_url = next_url


class AccessDenied(Exception):
    """Logged in, but this page is not for the user's role."""

    def __init__(self, detail: str = "U heeft geen toegang tot deze pagina.") -> None:
        super().__init__(detail)
        self.detail = detail


class CsrfFailed(Exception):
    """An unsafe request without the session's form token."""
