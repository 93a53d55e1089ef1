"""Absolute links for files that leave the site (calendar feeds, CSV exports)."""

from flask import current_app, url_for


def absolute_url(endpoint: str, **values) -> str:
    """An absolute URL on PUBLIC_BASE_URL when configured, else on the request host.

    PUBLIC_BASE_URL is the scheme and host (e.g. https://events.example.org);
    the path comes from url_for, so it includes any script root.
    """
    base_url = current_app.config.get("PUBLIC_BASE_URL", "").rstrip("/")
    if base_url:
        return base_url + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def absolute_meeting_url(meeting) -> str:
    """Absolute link to a meeting's page."""
    return absolute_url("meetings.show", meeting_id=meeting.id)
