"""Search over everything a meeting holds, by the databases' own full-text engines.

- `index.py`: each meeting's document, the index tables, and the session
  listener that keeps documents current in the same transaction as every write;
  `rebuild_search_index()` (`flask --app events_app reindex`).
- `query.py`: what the user typed, as safe FTS5 / tsquery syntax.
- `matching.py`: narrowing a select of meetings to the matches, ranking them,
  and their highlighted snippets.
- `results.py`: how many meetings a search lists and in which order (best
  match first up to 2,000, newest first beyond; counted up to 10,000).
- `directory_offers.py`: the people, organizations and topics the search box
  offers above the meetings.

Results always start from the one visibility rule (events_app/visibility.py):
the index is only ever joined to a select that already holds it.
"""
