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


def section_form(section, language="es", **extra):
    """The admin's change form of a guide section with one recording row, as staff send it."""
    data = {
        "guide": section.guide_id,
        "title_en": section.title_en,
        "body_en": section.body_en,
        "status": section.status,
        "order": section.order,
        "audio-TOTAL_FORMS": 1,
        "audio-INITIAL_FORMS": 0,
        "audio-MIN_NUM_FORMS": 0,
        "audio-MAX_NUM_FORMS": 1000,
        "audio-0-language": language,
    }
    data.update(extra)
    return data
