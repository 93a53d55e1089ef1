"""Security headers and cookie flags on every kind of response."""

import pytest

from config import TestConfig
from events_app import create_app


@pytest.mark.parametrize(
    "path",
    ["/meetings", "/sign-in", "/calendar.ics", "/meetings/999", "/static/app.css"],
)
def test_security_headers_everywhere(client, make, path):
    make.user(email="admin@example.org", role="admin")
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_and_secure_cookies_over_https(monkeypatch):
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://meetings.example.org")
    import importlib

    import config

    importlib.reload(config)
    try:
        assert config.Config.SESSION_COOKIE_SECURE is True
    finally:
        monkeypatch.delenv("PUBLIC_BASE_URL")
        importlib.reload(config)
    assert config.Config.SESSION_COOKIE_SECURE is False


def test_session_cookie_flags(app, client, auth):
    response = auth.sign_in_as("editor")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_https_request_gets_hsts():
    app = create_app(TestConfig)
    with app.app_context():
        from events_app.extensions import db

        db.create_all()
    response = app.test_client().get("/sign-in", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_no_inline_script_or_style_attributes_in_templates():
    from pathlib import Path

    for template in Path("templates").rglob("*.html"):
        text = template.read_text()
        assert "<script>" not in text, template
        assert " onclick=" not in text and " onload=" not in text, template
        assert 'style="' not in text, template
