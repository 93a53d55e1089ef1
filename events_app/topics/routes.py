"""Views for topics: the tree, each topic's history and the edit form.

A topic the viewer may not see answers 404 on every page, exactly like one that
does not exist.
"""

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from events_app.auth.permissions import editor_required
from events_app.directory.pages import (
    form_page,
    index_page,
    page_number,
    suggestions_response,
)
from events_app.extensions import db
from events_app.models import Topic
from events_app.topic_tree import visible_path
from events_app.topics import bp
from events_app.topics.forms import TopicForm
from events_app.topics.history import topic_history, topics_listing
from events_app.visibility import visible_record_or_404, visible_topic_ids_for


def _topic_name(topic: Topic) -> str:
    path = visible_path(topic, visible_topic_ids_for(current_user))
    return _("Topic %(path)s", path=path)


@bp.route("/topics")
def index():
    """The topic tree A–Z (or topics matching ?q=), with visible meeting counts."""
    return index_page(topics_listing, "topics/index.html")


@bp.route("/topics/suggest")
@login_required
def suggest():
    """JSON: topics the viewer may see likely named as ?q= (name or path)."""
    return suggestions_response(Topic)


@bp.route("/topics/<int:topic_id>")
def show(topic_id: int):
    """A topic and what was said on it (and its sub-topics) in visible meetings."""
    history = topic_history(current_user, topic_id, page_number())
    topic = db.session.get(Topic, topic_id) if history is not None else None
    if topic is None:
        abort(404)
    return render_template(
        "topics/show.html", history=history, topic=topic, ancestors=history.ancestors
    )


@bp.route("/topics/new", methods=["GET", "POST"])
@editor_required
def new():
    """Add a topic, optionally under a parent given as ?parent=<id>."""
    form = TopicForm(data={"parent_id": request.args.get("parent", "")})
    return form_page(form, Topic(), "topics/form.html", _topic_name, topic=None)


@bp.route("/topics/<int:topic_id>/edit", methods=["GET", "POST"])
@editor_required
def edit(topic_id: int):
    """Rename a topic, move it in the tree or change its description."""
    topic = visible_record_or_404(current_user, Topic, topic_id)
    form = TopicForm(record=topic)
    return form_page(form, topic, "topics/form.html", _topic_name, topic=topic)
