from events_app.calendar import bp  # noqa: F401
