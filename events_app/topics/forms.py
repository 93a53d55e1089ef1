"""The form for creating and editing topics."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, ValidationError

from events_app.directory.did_you_mean import MAXIMUM_SUGGESTIONS
from events_app.directory.forms import (
    THING_NAME_LABEL,
    collapse_spaces,
    name_field,
    restricted_field,
    taken_name_message,
)
from events_app.directory.likeness import likely_matches
from events_app.directory.lookup import records_named
from events_app.directory.names import name_key
from events_app.directory.resolve import find_topic, split_topic_path
from events_app.directory.restricted_marks import (
    marked_on_path,
    marked_parent_message,
    topic_marking_refusal,
)
from events_app.extensions import db
from events_app.input_rules import AppForm, database_id
from events_app.models import Topic
from events_app.topic_tree import subtree_ids, visible_path
from events_app.visibility import topics_among, visible_topic_ids_for

DESCRIPTION_MAX_LENGTH = 20_000
# A typed parent: a path of a few names.
PARENT_PATH_MAX_LENGTH = 1_000
NO_PARENT = ""
# The parent is one the editor may not see: it stays while no other is chosen.
HIDDEN_PARENT = "hidden"


def optional_id_text(value) -> str:
    """Field filter: a topic id as text, or "" for no parent."""
    return NO_PARENT if value in (None, "", "None") else str(value)


class TopicForm(AppForm):
    """A topic's name, place in the tree and description; `record` is the one edited.

    The parent is typed (a name or a path, suggested as typed by
    events_app/static/name_suggestions.js, which also puts the picked topic's
    id in `parent_id`), so the page never lists every topic. A form posted
    with `parent_id` alone (no typed text) names the parent by id.
    """

    name = name_field(THING_NAME_LABEL, _l("Enter the topic's name."))
    parent_name = StringField(
        _l("Parent topic"),
        filters=[collapse_spaces],
        validators=[Length(max=PARENT_PATH_MAX_LENGTH)],
    )
    # The picked topic's id; checked by validate_parent_name, which says why a
    # parent is refused.
    parent_id = HiddenField(filters=[optional_id_text])
    description = TextAreaField(
        _l("Description"), validators=[Length(max=DESCRIPTION_MAX_LENGTH)]
    )
    restricted = restricted_field()
    submit = SubmitField(_l("Save topic"))

    def __init__(self, *args, record: Topic | None = None, **kwargs):
        super().__init__(*args, obj=record, **kwargs)
        self.record = record
        self.resolved_parent: Topic | None = None
        self._own_subtree = subtree_ids(record) if record is not None else set()
        # Only topics the editor may see are offered, or accepted, as parents.
        self._visible_ids = visible_topic_ids_for(current_user)
        self._visible_topics = topics_among(self._visible_ids)
        if not self.is_submitted():
            shown = self._visible_topic(self.parent_id.data)
            self.parent_id.data = str(shown.id) if shown else NO_PARENT
            self.parent_name.data = self.path_shown(shown) if shown else ""
            if shown is None and record is not None and record.parent_id is not None:
                self.parent_id.data = HIDDEN_PARENT

    @property
    def under_hidden_parent(self) -> bool:
        """The edited topic sits under a topic the editor may not see, and the
        form keeps it there (the field shows no parent; saving must not take
        the topic out from under it)."""
        return (
            self.record is not None
            and self.record.parent_id is not None
            and self.parent_id.data == HIDDEN_PARENT
        )

    def _visible_topic(self, value) -> Topic | None:
        topic_id = database_id(value) if value else None
        if topic_id is None:
            return None
        return db.session.scalar(self._visible_topics.where(Topic.id == topic_id))

    def path_shown(self, topic: Topic) -> str:
        """The topic's path through the topics the editor may see."""
        return visible_path(topic, self._visible_ids)

    def _typed_parent(self, typed: str) -> Topic:
        """The visible topic a typed name or path names, or why there is none."""
        names = split_topic_path(typed)
        if len(names) > 1:
            found = find_topic(typed, current_user)
            matches = [found] if found is not None else []
        else:
            matches = records_named(Topic, typed, among=self._visible_topics)
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise ValidationError(
                _(
                    "Several topics are called “%(name)s” (%(paths)s); type the "
                    "path of the one you mean.",
                    name=typed,
                    paths="; ".join(self.path_shown(topic) for topic in matches),
                )
            )
        likely = likely_matches(
            Topic, typed, among=self._visible_topics, limit=MAXIMUM_SUGGESTIONS
        )
        if likely:
            raise ValidationError(
                _(
                    "No topic named “%(name)s”. Did you mean %(paths)s? Type its "
                    "path as written, or leave the field empty for a top-level "
                    "topic.",
                    name=typed,
                    paths="; ".join(
                        f"“{self.path_shown(match.record)}”" for match in likely
                    ),
                )
            )
        raise ValidationError(
            _(
                "No topic named “%(name)s”: add it first, or leave the field "
                "empty for a top-level topic.",
                name=typed,
            )
        )

    def _picked_parent(self) -> Topic | None:
        """The topic named by `parent_id`, or why it cannot be one."""
        if self.parent_id.data == NO_PARENT:
            return None
        if database_id(self.parent_id.data) is None:
            raise ValidationError(_("Choose a parent topic from the list."))
        parent = self._visible_topic(self.parent_id.data)
        if parent is None:
            raise ValidationError(_("That topic no longer exists; choose another."))
        return parent

    def validate_parent_name(self, field) -> None:
        """The parent typed, or picked, must be visible and not this topic or one
        of its sub-topics.

        The picked id counts while the text is its topic's path (without
        scripts, the id of the parent shown stays while other text is typed).
        Under a marked topic only a marked one may sit (see
        events_app/restricted_marks.py).
        """
        if self.under_hidden_parent and not field.data:
            self.resolved_parent = self.record.parent
            return
        if not field.raw_data:
            parent = self._picked_parent()
        elif not field.data:
            parent = None
        else:
            picked = self._visible_topic(self.parent_id.data)
            if picked is not None and name_key(self.path_shown(picked)) == name_key(
                field.data
            ):
                parent = picked
            else:
                parent = self._typed_parent(field.data)
        if parent is None:
            self.resolved_parent = None
            return
        if parent.id in self._own_subtree:
            raise ValidationError(
                _("A topic cannot be placed under itself or one of its own sub-topics.")
            )
        marked = marked_on_path(parent)
        if marked is not None and not self.restricted.data:
            visible = db.session.scalar(
                self._visible_topics.where(Topic.id == marked.id)
            )
            raise ValidationError(marked_parent_message(marked, visible is not None))
        self.resolved_parent = parent

    def validate(self, extra_validators=None) -> bool:
        """Field checks, then: no other topic of the same name under the same parent.

        Topics of the same name may live under different parents ("Elections >
        Monitoring", "Sanctions > Monitoring"); next to each other they would be
        duplicates.
        """
        if not super().validate(extra_validators=extra_validators):
            return False
        if (
            self.restricted.data
            and self.record is not None
            and self.record.id is not None
            and not self.record.restricted
        ):
            refusal = topic_marking_refusal(self.record)
            if refusal is not None:
                self.restricted.errors.append(refusal)
                return False
        parent_id = self.resolved_parent.id if self.resolved_parent else None
        own_id = self.record.id if self.record is not None else None
        for existing in records_named(Topic, self.name.data):
            if existing.id != own_id and existing.parent_id == parent_id:
                self.name.errors.append(taken_name_message(self.name.data, existing))
                return False
        return True

    def apply_to(self, topic: Topic) -> None:
        """Copy the validated data onto the topic and refresh its searchable name."""
        topic.name = self.name.data
        topic.parent = self.resolved_parent
        topic.description = self.description.data or ""
        topic.restricted = self.restricted.data
        topic.refresh_name_keys()
