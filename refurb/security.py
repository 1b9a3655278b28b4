"""HTTP security headers applied to every response.

The Content-Security-Policy allows only the app's own scripts and styles: no inline script or
style attribute anywhere in the templates, so the pages respect it.
"""

import hashlib

from flask import Flask, current_app, request, session

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def digest(secret: str) -> str:
    """How a secret given in clear (a token, a link) is stored: its SHA-256, in hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if _private(response):
        # Shared PCs in libraries: nothing a signed-in person saw stays in the browser's cache.
        headers["Cache-Control"] = "no-store"
    if current_app.config["SESSION_COOKIE_SECURE"]:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def _private(response) -> bool:
    if request.path.startswith("/static/"):
        return False
    if request.path.startswith("/api/"):
        return True
    # Signed in (Flask-Login keeps the user id in the session): read without loading the user.
    return bool(session.get("_user_id"))


def init_security(app: Flask) -> None:
    app.after_request(set_security_headers)
    if app.config.get("TRUST_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
