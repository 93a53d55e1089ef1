"""Which directory person a user is: "your follow-ups" are the ones they own.

The link is only ever shown and used while the user may see that person
(events_app/visibility.py): a person who became hidden counts as no link.
"""

from werkzeug.datastructures import MultiDict

from events_app.auth.accounts import record_user_changes
from events_app.extensions import db
from events_app.meetings.record_filters import RecordFilterField, chosen_person_field
from events_app.models import Person, User
from events_app.visibility import visible_records_for


def linked_person_for(user) -> Person | None:
    """The user's directory person, if one is linked and the user may see it."""
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return None
    return db.session.scalar(
        visible_records_for(user, Person).where(Person.id == person_id)
    )


def link_person_from_form(user: User, form: MultiDict) -> RecordFilterField:
    """Link the person the form names (or none, if emptied) to `user`; audited.

    Names and ids resolve among the people `user` may see. The field is
    returned with a message or matches to pick from when nothing was linked.
    """
    shown, person_id = chosen_person_field(form, user)
    if shown.unresolved:
        return shown
    if user.person_id != person_id:
        record_user_changes(user, {"person_id": [user.person_id, person_id]})
        user.person_id = person_id
        db.session.commit()
    return shown


def person_field_for(user) -> RecordFilterField:
    """The person field as the account page first shows it: the linked name."""
    person = linked_person_for(user)
    return RecordFilterField("person", text=person.display_name if person else "")
