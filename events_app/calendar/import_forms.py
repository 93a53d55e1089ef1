"""Forms of the .ics import page: the upload, and the confirmation of a preview."""

import base64
import binascii
from os import SEEK_END

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, ValidationError

from events_app.input_rules import AppForm
from events_app.language.formatting import format_number
from events_app.meetings.forms import strip_text, valid_timezone

TIMEZONE_HELP = _l(
    "For event times that name no time zone (rare; most invitations name one)."
)


def size_limit_text() -> str:
    """The largest accepted file, for messages: "2 MB" (or "512 KB")."""
    limit = current_app.config["ICS_IMPORT_MAX_BYTES"]
    if limit >= 1024 * 1024:
        return _("%(size)s MB", size=format_number(round(limit / (1024 * 1024), 2)))
    return _("%(size)s KB", size=format_number(max(limit // 1024, 1)))


def too_large_message() -> str:
    """What the page says about a file over the limit."""
    return _(
        "The file is larger than %(size)s. Export a shorter period of the "
        "calendar and import it in parts.",
        size=size_limit_text(),
    )


class IcsUploadForm(AppForm):
    """Choose an .ics file; nothing is written until the preview is confirmed."""

    file = FileField(
        _l("Calendar file (.ics)"),
        validators=[FileRequired(_l("Choose an .ics file to import."))],
    )
    default_timezone = StringField(
        _l("Time zone for times without one"),
        filters=[strip_text],
        validators=[DataRequired(_l("Give the time zone.")), valid_timezone],
        description=TIMEZONE_HELP,
    )

    def validate_file(self, field) -> None:
        stream = field.data.stream
        size = stream.seek(0, SEEK_END)
        stream.seek(0)
        if size > current_app.config["ICS_IMPORT_MAX_BYTES"]:
            raise ValidationError(too_large_message())

    def file_content(self) -> bytes:
        """The uploaded bytes (after validation)."""
        return self.file.data.read()


class IcsConfirmForm(AppForm):
    """The previewed file again, in base64, so the confirmation re-reads exactly it.

    Its fields are prefixed ("confirm-content"): it shares the page with the
    upload form, and ids must stay unique.
    """

    content = HiddenField(validators=[DataRequired(_l("The file is missing."))])
    default_timezone = HiddenField(
        validators=[DataRequired(_l("Give the time zone.")), valid_timezone]
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "confirm")
        super().__init__(*args, **kwargs)

    def validate_content(self, field) -> None:
        try:
            self.decoded = base64.b64decode(field.data, validate=True)
        except (binascii.Error, ValueError) as error:
            raise ValidationError(
                _("The file could not be carried over; upload it again.")
            ) from error
        if len(self.decoded) > current_app.config["ICS_IMPORT_MAX_BYTES"]:
            raise ValidationError(too_large_message())

    def file_content(self) -> bytes:
        """The previewed bytes (after validation)."""
        return self.decoded

    @classmethod
    def carrying(cls, content: bytes, default_timezone: str) -> "IcsConfirmForm":
        """A confirmation form holding this file and zone for the next request."""
        form = cls(formdata=None)
        form.content.data = base64.b64encode(content).decode("ascii")
        form.default_timezone.data = default_timezone
        return form
