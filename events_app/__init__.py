"""events_app: records of meetings, their people, topics and outcomes."""

from pathlib import Path

from flask import Flask, send_from_directory

from config import Config

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_object: type[Config] | None = None, **overrides) -> Flask:
    """Build the application; tests pass their own config class and overrides."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config_object or Config)
    app.config.update(overrides)
    Config.resolve(app.config)

    register_extensions(app)
    register_input_rules(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_site_icon(app)
    register_error_handlers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from events_app import (
        audit,  # noqa: F401  (its session listeners audit the directory)
        models,  # noqa: F401  (models must be known to Alembic)
        sql_statement_count,
    )
    from events_app.calendar import (
        event_store,  # noqa: F401  (its session listener removes purged events)
    )
    from events_app.directory import (
        name_order,  # noqa: F401  (its session listener keeps the sort keys)
        name_words,  # noqa: F401  (its session listener keeps the name index)
    )
    from events_app.extensions import csrf, db, login_manager, migrate
    from events_app.language import choice as language_choice
    from events_app.search import (
        index,  # noqa: F401  (its session listener keeps the search index)
    )

    db.init_app(app)
    sql_statement_count.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    language_choice.init_app(app)


def register_input_rules(app: Flask) -> None:
    # Before the blueprints: their `<int:...>` rules take the bounded converter.
    from events_app import input_rules

    input_rules.init_app(app)


def register_blueprints(app: Flask) -> None:
    from events_app.auth import bp as auth_bp
    from events_app.calendar import bp as calendar_bp
    from events_app.charts import bp as charts_bp
    from events_app.follow_ups import bp as follow_ups_bp
    from events_app.language import bp as language_bp
    from events_app.meetings import bp as meetings_bp
    from events_app.people import bp as people_bp
    from events_app.topics import bp as topics_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(people_bp)
    app.register_blueprint(topics_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(follow_ups_bp)
    app.register_blueprint(charts_bp)
    app.register_blueprint(language_bp)


def register_template_helpers(app: Flask) -> None:
    from events_app import templating

    templating.init_app(app)


def register_site_icon(app: Flask) -> None:
    """Serve the favicon at /favicon.ico too: browsers and bookmarks ask there."""

    def favicon():
        """The site icon (an SVG, which current browsers take at any address)."""
        return send_from_directory(
            app.static_folder, "favicon.svg", mimetype="image/svg+xml", max_age=86400
        )

    app.add_url_rule("/favicon.ico", "favicon", favicon)


def register_error_handlers(app: Flask) -> None:
    from events_app import errors, security

    errors.init_app(app)
    security.init_app(app)


def register_commands(app: Flask) -> None:
    from events_app.auth import cli as auth_cli
    from events_app.calendar import import_cli
    from events_app.interchange import cli as interchange_cli
    from events_app.maintenance import cli as maintenance_cli
    from events_app.search import cli as search_cli

    auth_cli.init_app(app)
    interchange_cli.init_app(app)
    maintenance_cli.init_app(app)
    import_cli.init_app(app)
    search_cli.init_app(app)
