"""A bare Flask "Hello, World!": the yardstick of bench/history_benchmark.py.

Served by gunicorn exactly as the app is, so a page's ratio to it leaves out
the cost of HTTP, gunicorn and Flask themselves.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """The smallest page Flask can serve."""
    return "Hello, World!"
