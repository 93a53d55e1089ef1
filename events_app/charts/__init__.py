"""Charts of the work over time, and the people and organizations not met lately."""

from flask import Blueprint

bp = Blueprint("charts", __name__)

from events_app.charts import routes  # noqa: E402,F401
