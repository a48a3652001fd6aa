"""The demo of `manage.py seed_demo`: its texts in every language (one JSON file each), the
families' names (names.py) and a year of history for the reports (history.py)."""
