"""The form for creating and editing topics."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.validators import Length, ValidationError

from events_app.directory.forms import (
    THING_NAME_LABEL,
    name_field,
    restricted_field,
    taken_name_message,
)
from events_app.directory.lookup import records_named
from events_app.directory.restricted_marks import (
    marked_on_path,
    marked_parent_message,
    topic_marking_refusal,
)
from events_app.extensions import db
from events_app.input_rules import AppForm, database_id
from events_app.models import Topic
from events_app.topic_tree import subtree_ids, topics_in_tree_order, visible_path
from events_app.visibility import topics_among, visible_topic_ids_for

DESCRIPTION_MAX_LENGTH = 20_000
NO_PARENT = ""


def optional_id_text(value) -> str:
    """Select-field coercion: a topic id as text, or "" for no parent."""
    return NO_PARENT if value in (None, "", "None") else str(value)


class TopicForm(AppForm):
    """A topic's name, place in the tree and description; `record` is the one edited."""

    name = name_field(THING_NAME_LABEL, _l("Enter the topic's name."))
    # Choices are checked by validate_parent_id, which says *why* a parent is refused.
    parent_id = SelectField(
        _l("Parent topic"), coerce=optional_id_text, validate_choice=False
    )
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
        visible_ids = visible_topic_ids_for(current_user)
        self._visible_topics = topics_among(visible_ids)
        self.parent_id.choices = [(NO_PARENT, _("— None (a top-level topic) —"))] + [
            (str(topic.id), visible_path(topic, visible_ids))
            for topic in topics_in_tree_order(
                self._visible_topics, excluded_ids=self._own_subtree
            )
        ]

    def validate_parent_id(self, field) -> None:
        """The parent must be visible and not this topic or one of its sub-topics.

        Under a marked topic only a marked one may sit (see
        events_app/restricted_marks.py).
        """
        if field.data == NO_PARENT:
            self.resolved_parent = None
            return
        parent_id = database_id(field.data)
        if parent_id is None:
            raise ValidationError(_("Choose a parent topic from the list."))
        parent = db.session.scalar(self._visible_topics.where(Topic.id == parent_id))
        if parent is None:
            raise ValidationError(_("That topic no longer exists; choose another."))
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
