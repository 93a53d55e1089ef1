"""Error pages that say what happened without revealing anything restricted."""

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json"
    )


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        """Render a plain page (or JSON for API clients) for any HTTP error."""
        if wants_json():
            body = {"error": error.name, "status": error.code}
            return jsonify(body), error.code
        return (
            render_template("errors/error.html", error=error),
            error.code,
        )
