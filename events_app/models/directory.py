"""People and organizations: the who of every meeting."""

from datetime import datetime

from sqlalchemy import Index, LargeBinary, String, Text, false, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from events_app.directory.names import keys_column_value, split_other_names
from events_app.directory.skeletons import skeletons_column_value
from events_app.extensions import db
from events_app.models.choices import OrganizationKind


def organization_label(name: str, short_name: str) -> str:
    """An organization's name with its short name when that differs."""
    if short_name and short_name != name:
        return f"{name} ({short_name})"
    return name


class Organization(db.Model):
    __tablename__ = "organization"
    # A–Z in each language's order (issue 10, issue 13): a page is read off the
    # index, not sorted (see events_app/directory/name_order.py).
    __table_args__ = (
        Index("ix_organization_latin_first_order", "sort_key_latin_first", "id"),
        Index("ix_organization_cyrillic_first_order", "sort_key_cyrillic_first", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(50), default="")
    kind: Mapped[str] = mapped_column(String(20), default=OrganizationKind.OTHER)
    country: Mapped[str] = mapped_column(String(100), default="")
    other_names: Mapped[str] = mapped_column(Text, default="")
    name_keys: Mapped[str] = mapped_column(Text, default="")
    # Skeletons of the same names, for likely matches (directory/likeness.py).
    name_skeletons: Mapped[str] = mapped_column(Text, default="")
    # ICU sort keys of the name in each order (events_app/language/collation.py).
    sort_key_latin_first: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    sort_key_cyrillic_first: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    # Created from a restricted meeting: never shown as a free directory entry
    # (see events_app/visibility.py) until an editor who sees it clears the mark.
    restricted: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    people: Mapped[list["Person"]] = relationship(back_populates="organization")

    def refresh_name_keys(self) -> None:
        """Recompute the searchable keys and skeletons after any name changes."""
        names = (self.name, self.short_name, *split_other_names(self.other_names))
        self.name_keys = keys_column_value(*names)
        self.name_skeletons = skeletons_column_value(*names)

    @property
    def label(self) -> str:
        return organization_label(self.name, self.short_name)

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.name!r}>"


class Person(db.Model):
    __tablename__ = "person"
    # A–Z in each language's order (issue 10, issue 13): a page is read off the
    # index, not sorted (see events_app/directory/name_order.py).
    __table_args__ = (
        Index("ix_person_latin_first_order", "sort_key_latin_first", "id"),
        Index("ix_person_cyrillic_first_order", "sort_key_cyrillic_first", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    other_names: Mapped[str] = mapped_column(Text, default="")
    name_keys: Mapped[str] = mapped_column(Text, default="")
    # Skeletons of the same names, for likely matches (directory/likeness.py).
    name_skeletons: Mapped[str] = mapped_column(Text, default="")
    # ICU sort keys of the name in each order (events_app/language/collation.py).
    sort_key_latin_first: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    sort_key_cyrillic_first: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    organization_id: Mapped[int | None] = mapped_column(
        db.ForeignKey("organization.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # Created from a restricted meeting: never shown as a free directory entry
    # (see events_app/visibility.py) until an editor who sees it clears the mark.
    restricted: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    organization: Mapped[Organization | None] = relationship(back_populates="people")

    def refresh_name_keys(self) -> None:
        """Recompute the searchable keys and skeletons after any name changes."""
        names = (self.display_name, *split_other_names(self.other_names))
        self.name_keys = keys_column_value(*names)
        self.name_skeletons = skeletons_column_value(*names)

    @property
    def label(self) -> str:
        return self.display_name

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.display_name!r}>"


class NameWord(db.Model):
    """The beginning of one word of a person's, organization's or topic's names.

    An index of `name_skeletons` (see events_app/directory/likeness.py) kept by
    events_app/directory/name_words.py whenever a record's skeletons change: a
    likely-match lookup reads a few index entries instead of every name.
    """

    __tablename__ = "name_word"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The record's table name: "person", "organization" or "topic".
    record_type: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int]
    beginning: Mapped[str] = mapped_column(String(10))

    __table_args__ = (
        Index("ix_name_word_record_type_beginning", "record_type", "beginning"),
        Index("ix_name_word_record_type_record_id", "record_type", "record_id"),
    )
