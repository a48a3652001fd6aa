"""Fixtures of the guide-recording tests (uploads and the admin recorder)."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client


@pytest.fixture
def media(section):
    """The test MEDIA_ROOT as `make run` would serve it; this section's files are removed."""
    folder = Path(settings.MEDIA_ROOT) / "guide-audio" / str(section.pk)
    shutil.rmtree(folder, ignore_errors=True)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def staff_client(staff_a):
    client = Client()
    client.force_login(staff_a)
    return client
