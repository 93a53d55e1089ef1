"""The JSON interchange format: import, export and the demo data."""
