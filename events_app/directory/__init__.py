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
- `merge.py`: likely duplicate pairs, "not the same" marks, and merging two
  records into one (with undo), with who may do it.
- `forms.py` and `pages.py`: the form fields and view helpers the person,
  organization and topic pages share.

Only an exact match of a name or other name (same key) links silently; the
records the user may not see are never found (events_app/visibility.py).
"""
