"""HTTP hardening applied to every response: security headers, caching, cookies."""

from flask import Flask, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Feed tokens live in URLs; no Referer may carry a URL to another site.
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


# Kept by no cache at all: pages a signed-in user sees (they may hold restricted
# meetings, and a browser cache outlives the sign-out on a shared computer).
NOT_STORED = "no-store"
# Kept only by the client's own cache, which asks again every time (validators
# make that cheap): per-viewer responses of clients that poll, e.g. token feeds.
PRIVATE_REVALIDATED = "private, no-cache"


def cache_control_for(response) -> str | None:
    """The Cache-Control a response must carry; None keeps the view's own.

    A view marks content meant for one viewer but polled by a client that
    cannot sign in (a token feed) as `private`: it may stay in that client's
    cache only. Everything else answered to a signed-in user is never stored.
    A view's `no-store` is never weakened; public answers to anonymous visitors
    keep what their view chose.
    """
    if request.endpoint == "static" or response.cache_control.no_store:
        return None
    if response.cache_control.private:
        return PRIVATE_REVALIDATED
    if current_user.is_authenticated:
        return NOT_STORED
    return None


def init_app(app: Flask) -> None:
    if app.config.get("TRUSTED_PROXIES"):
        # Behind a reverse proxy, trust its X-Forwarded-* so https is recognised.
        count = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_prefix=count
        )

    @app.after_request
    def add_security_headers(response):
        """Set the security headers (and HSTS over https) on every response."""
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        cache_control = cache_control_for(response)
        if cache_control:
            response.headers["Cache-Control"] = cache_control
        if request.is_secure:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response
