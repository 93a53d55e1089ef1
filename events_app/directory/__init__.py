"""The directory: who and what meetings are about, and how a name finds its record.

Read this first. People, organizations and topics are found by any of their
names; every door that turns typed or imported text into a record goes
through this package:

- `names.py`: what "the same name" means (`name_key`: no case, accents or
  punctuation) and the packed `name_keys` column each record keeps current.
- `lookup.py`: queries on those keys: the ?q= filter of the indexes and
  histories, `records_named`, and the name-already-taken check of the forms.
- `resolve.py`: typed or imported text to a record the user may see, or a new
  one (the meeting form and the JSON and .ics imports).
- `likeness.py`: names *likely* the same in another spelling (Kupreichyk /
  Купрэйчык, "Kupreichyk, M."): a score, the `LIKELY` threshold, and lookups
  for suggestions, search and duplicates; `skeletons.py` holds its pure
  spelling folds and `name_words.py` keeps its `name_word` index current.
- `merge.py`: likely duplicate pairs, "not the same" marks, and merging two
  records into one (with undo), with who may do it.
- `forms.py` and `pages.py`: the form fields and view helpers the person,
  organization and topic pages share.

Only an exact match of a name or other name (same key) links silently; a
likely match is only ever suggested. The records the user may not see are
never found (events_app/visibility.py).
"""
