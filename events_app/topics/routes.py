"""Views for topics: the tree, each topic's history and the edit form."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from events_app.auth.permissions import editor_required
from events_app.extensions import db
from events_app.models import Topic
from events_app.topics import bp
from events_app.topics.forms import TopicForm
from events_app.topics.history import topic_history, topics_listing


def _page_number() -> int:
    return max(request.args.get("page", 1, type=int), 1)


@bp.route("/topics")
def index():
    """The topic tree A–Z (or topics matching ?q=), with visible meeting counts."""
    text = request.args.get("q", "", type=str).strip()
    listing = topics_listing(current_user, text, _page_number())
    return render_template("topics/index.html", listing=listing, q=text)


@bp.route("/topics/<int:topic_id>")
def show(topic_id: int):
    """A topic and what was said on it (and its sub-topics) in visible meetings."""
    topic = db.get_or_404(Topic, topic_id)
    history = topic_history(topic, current_user, _page_number())
    return render_template("topics/show.html", history=history, topic=topic)


@bp.route("/topics/new", methods=["GET", "POST"])
@editor_required
def new():
    """Add a topic, optionally under a parent given as ?parent=<id>."""
    form = TopicForm(data={"parent_id": request.args.get("parent", "")})
    if form.validate_on_submit():
        topic = Topic()
        form.apply_to(topic)
        db.session.add(topic)
        db.session.commit()
        flash(f"Topic {topic.path} added.", "success")
        return redirect(url_for("topics.show", topic_id=topic.id))
    return render_template("topics/form.html", form=form, topic=None)


@bp.route("/topics/<int:topic_id>/edit", methods=["GET", "POST"])
@editor_required
def edit(topic_id: int):
    """Rename a topic, move it in the tree or change its description."""
    topic = db.get_or_404(Topic, topic_id)
    form = TopicForm(record=topic)
    if form.validate_on_submit():
        form.apply_to(topic)
        db.session.commit()
        flash(f"Topic {topic.path} saved.", "success")
        return redirect(url_for("topics.show", topic_id=topic.id))
    return render_template("topics/form.html", form=form, topic=topic)
