"""The kept figures' store stays within its count and its weight in bytes."""

from events_app.kept_figures import FigureStore, approximate_weight


def test_the_store_drops_the_least_recently_used_past_its_count():
    store = FigureStore(size=3, weight=10**9)
    for number in range(3):
        store.put(number, f"figure {number}")
    store.get(0)  # used again: the oldest is now 1
    store.put(3, "figure 3")
    assert store.get(1) is None
    assert [store.get(key) for key in (0, 2, 3)] == ["figure 0", "figure 2", "figure 3"]


def test_the_store_drops_figures_past_its_weight():
    drawn = "x" * 40_000
    store = FigureStore(size=1000, weight=100_000)
    for number in range(10):
        store.put(number, drawn)
    assert store.total_weight <= 100_000
    assert store.get(9) == drawn and store.get(0) is None
    kept = [key for key in range(10) if store.get(key) is not None]
    assert kept == [8, 9]


def test_replacing_a_figure_counts_its_weight_once():
    store = FigureStore(size=10, weight=10**9)
    store.put("a", "x" * 1000)
    store.put("a", "x" * 10)
    assert store.total_weight == approximate_weight("x" * 10)


def test_a_figure_heavier_than_the_store_is_still_kept_alone():
    store = FigureStore(size=10, weight=100)
    store.put("small", "s")
    store.put("big", "x" * 1000)
    assert store.get("big") is not None and store.get("small") is None


def test_weights_follow_what_a_figure_holds():
    assert approximate_weight("x" * 1000) > 1000
    assert approximate_weight({"a": ["x" * 500, "y" * 500]}) > 1000
    assert approximate_weight((1, 2, 3)) < 200


def test_rows_are_read_in_the_kept_order_leaving_out_one_deleted_since(app, make):
    """A page keeps ids; a row deleted by another request before the page reads
    them is left out rather than failing the page."""
    from events_app.kept_figures import rows_in_order
    from events_app.models import Meeting

    first, second = make.meeting("First"), make.meeting("Second")
    with app.app_context():
        rows = rows_in_order(Meeting, (second.id, 999_999, first.id))
        assert [row.title for row in rows] == ["Second", "First"]
