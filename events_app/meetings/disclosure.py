"""Saves that show a meeting to more people ask first, saying to whom.

Widening a meeting's confidentiality (restricted to internal or public,
internal to public) discloses it; so, on a restricted meeting, does taking
people or groups off the access list, which the issue tracker counts alike
(the people removed may have been the ones it was kept from others for).
The form shows the warning and a "Save and show it" button; without that
answer (`confirm_disclosure=yes`) nothing is saved. New meetings saved as
public ask too.
"""

from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from events_app.extensions import db
from events_app.models import Meeting, User
from events_app.models.choices import Confidentiality

WIDTH = {
    Confidentiality.RESTRICTED: 0,
    Confidentiality.INTERNAL: 1,
    Confidentiality.PUBLIC: 2,
}
CONFIRMED = "yes"


@dataclass
class Disclosure:
    """What saving would change about who sees the meeting, in sentences."""

    sentences: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.sentences)


def made_public_sentence() -> str:
    """What making the meeting public shows, and to whom."""
    if current_app.config.get("ANONYMOUS_ACCESS"):
        return _(
            "Making this meeting public shows it, with its participants, topics, "
            "outcomes, notes and sources, to anyone, without signing in, and every "
            "public calendar feed."
        )
    return _(
        "Making this meeting public shows it, with its participants, topics, "
        "outcomes, notes and sources, to every signed-in user, and the public "
        "calendar feed if it is enabled."
    )


def made_internal_sentence() -> str:
    """What making a restricted meeting internal shows, and to whom."""
    count = db.session.scalar(
        select(func.count()).select_from(User).where(User.active.is_(True))
    )
    return ngettext(
        "Making this meeting internal shows it, with its participants, topics, "
        "outcomes, notes and sources, to every signed-in user (%(num)d active "
        "account); today only admins and the access list see it.",
        "Making this meeting internal shows it, with its participants, topics, "
        "outcomes, notes and sources, to every signed-in user (%(num)d active "
        "accounts); today only admins and the access list see it.",
        count,
    )


def disclosure_of(meeting: Meeting | None, form, author) -> Disclosure:
    """What the save of `form` over `meeting` (None: a new one) would disclose.

    Each case is one whole sentence, so that translations need not assemble
    sentences from pieces.
    """
    new_level = form.confidentiality.data
    old_level = meeting.confidentiality if meeting is not None else None
    disclosure = Disclosure()
    if new_level == Confidentiality.PUBLIC and old_level != Confidentiality.PUBLIC:
        disclosure.sentences.append(made_public_sentence())
    elif old_level is not None and WIDTH.get(new_level, 0) > WIDTH.get(old_level, 0):
        # Only restricted to internal is left: every widening to public is above.
        disclosure.sentences.append(made_internal_sentence())
    if (
        meeting is not None
        and old_level == Confidentiality.RESTRICTED
        and new_level == Confidentiality.RESTRICTED
    ):
        kept_users = set(form.access_users.data or [])
        removed_users = [
            user.name
            for user in meeting.access_users
            if user.email not in kept_users and user.id != author.id
        ]
        kept_groups = set(form.access_groups.data or [])
        removed_groups = [
            _("group “%(name)s”", name=group.name)
            for group in meeting.access_groups
            if group.name not in kept_groups
        ]
        removed = removed_users + removed_groups
        if removed:
            disclosure.sentences.append(
                _(
                    "Taking %(names)s off the access list: they will no longer see "
                    "this meeting, unless another entry of the list names them.",
                    names=", ".join(removed),
                )
            )
    return disclosure
