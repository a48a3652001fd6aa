"""Shared by the bench/*.py scripts: settings, a URLconf with a minimal view, and helpers to
seed a database, run gunicorn and measure its workers. Not part of the deployed site."""
