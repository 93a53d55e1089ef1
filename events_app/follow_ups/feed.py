"""Loading the follow-ups feed: plain values in one statement, no objects.

A feed may hold thousands of follow-ups; like the meeting feeds
(events_app/calendar/feed_loading.py) it reads only the columns its events
are written from.
"""

from datetime import date

from sqlalchemy import func

from events_app.extensions import db
from events_app.follow_ups.filters import FollowUpFilters
from events_app.follow_ups.ical import CalendarFollowUp
from events_app.follow_ups.queries import has_due_date, visible_follow_ups_for
from events_app.models import Meeting, Organization, Outcome, Person

# The most follow-ups one feed carries (soonest due first): calendar apps
# refuse very large feeds.
FEED_MAX_FOLLOW_UPS = 2000


def calendar_follow_ups(
    user, filters: FollowUpFilters, today: date
) -> list[CalendarFollowUp]:
    """The user's follow-ups under these filters that have a due date, soonest first."""
    owner = func.coalesce(Person.display_name, Organization.name, "")
    statement = (
        filters.apply(visible_follow_ups_for(user), user, today)
        .where(has_due_date())
        .outerjoin(Person, Person.id == Outcome.owner_person_id)
        .outerjoin(Organization, Organization.id == Outcome.owner_organization_id)
        .with_only_columns(
            Outcome.position,
            Outcome.text,
            Outcome.due,
            owner,
            Meeting.id,
            Meeting.uid,
            Meeting.title,
            Meeting.city,
            Meeting.revision,
            Meeting.updated_at,
            maintain_column_froms=True,
        )
        .order_by(Outcome.due, Outcome.id)
        .limit(FEED_MAX_FOLLOW_UPS)
    )
    return [CalendarFollowUp(*row) for row in db.session.execute(statement)]
