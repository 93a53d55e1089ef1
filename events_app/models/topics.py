"""Topics discussed at meetings, optionally nested (Sanctions > Circumvention)."""

from sqlalchemy import LargeBinary, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from events_app.directory.names import keys_column_value
from events_app.directory.skeletons import skeletons_column_value
from events_app.extensions import db

PATH_SEPARATOR = " > "


class Topic(db.Model):
    __tablename__ = "topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_keys: Mapped[str] = mapped_column(Text, default="")
    name_skeletons: Mapped[str] = mapped_column(Text, default="")
    # ICU sort keys of the name in each order (events_app/language/collation.py);
    # topics are few and listed whole, so these are not indexed.
    sort_key_latin_first: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    sort_key_cyrillic_first: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    parent_id: Mapped[int | None] = mapped_column(
        db.ForeignKey("topic.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[str] = mapped_column(Text, default="")
    # Created from a restricted meeting (also as a parent on its path); see
    # events_app/models/directory.py.
    restricted: Mapped[bool] = mapped_column(default=False, server_default=false())

    parent: Mapped["Topic | None"] = relationship(
        remote_side=[id], back_populates="children"
    )
    children: Mapped[list["Topic"]] = relationship(back_populates="parent")

    def refresh_name_keys(self) -> None:
        """Recompute the searchable key and skeleton after the name changes."""
        self.name_keys = keys_column_value(self.name)
        self.name_skeletons = skeletons_column_value(self.name)

    def shown_ancestors(self, through_marked: bool | None = None) -> list["Topic"]:
        """The ancestors a path of this topic names, root first.

        A path is shared by everyone who sees the topic (pages, feeds, exports,
        stored revisions), so it never names a marked ancestor they might not
        see: the walk stops before the first marked ancestor unless
        `through_marked` (default: whether this topic is itself marked, which
        only those who may see its marked parents see; see
        events_app/visibility.py). The rules of events_app/directory/
        restricted_marks.py keep a free topic from sitting under a marked one;
        this keeps data linked before those rules from naming it anyway.
        """
        if through_marked is None:
            through_marked = self.restricted
        ancestors: list[Topic] = []
        ancestor = self.parent
        seen = {self.id}
        while ancestor is not None and ancestor.id not in seen:
            if ancestor.restricted and not through_marked:
                break
            seen.add(ancestor.id)
            ancestors.append(ancestor)
            ancestor = ancestor.parent
        return list(reversed(ancestors))

    def shown_path(self, through_marked: bool | None = None) -> str:
        """The name with the ancestors `shown_ancestors` names."""
        along = [*self.shown_ancestors(through_marked), self]
        return PATH_SEPARATOR.join(topic.name for topic in along)

    def shown_parent_path(self, through_marked: bool | None = None) -> str | None:
        """The path of the parent as this topic's path names it (None: none named)."""
        ancestors = self.shown_ancestors(through_marked)
        return PATH_SEPARATOR.join(topic.name for topic in ancestors) or None

    @property
    def path(self) -> str:
        """Name with its ancestors, e.g. "Sanctions > Sanctions circumvention".

        Never through a marked ancestor of a topic without the mark (see
        `shown_ancestors`); a viewer's own pages narrow it further with
        events_app/topic_tree.py `visible_path`.
        """
        return self.shown_path()

    @property
    def label(self) -> str:
        return self.path

    def descendant_ids(self) -> set[int]:
        """This topic's id and those of every topic below it."""
        ids = {self.id}
        pending = list(self.children)
        while pending:
            topic = pending.pop()
            if topic.id not in ids:
                ids.add(topic.id)
                pending.extend(topic.children)
        return ids

    def __repr__(self) -> str:
        return f"<Topic {self.id} {self.name!r}>"
