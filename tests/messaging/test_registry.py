"""Notices you can find: every kind of message has one renderer, declared in its app's
notices.py and named in that module's docstring and in messaging/registry.py; the link in
a text opens the event in the family's language."""

import importlib
import re

import pytest
from django.conf import settings

from messaging import registry
from messaging.models import Message
from tests.events.conftest import make_event
from tests.families.conftest import make_family


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z_]+", text))


def test_every_registered_kind_is_declared_in_a_notices_module_and_documented():
    assert registry.renderers, "no app registered a renderer"
    for kind, render in registry.renderers.items():
        module = importlib.import_module(render.__module__)
        assert module.__name__.endswith(".notices"), (kind, module.__name__)
        assert kind in module.KINDS, (kind, module.__name__)
        assert kind in _words(module.__doc__), f"{module.__name__} docstring misses {kind}"
        assert kind in _words(registry.__doc__), f"messaging/registry.py misses {kind}"
    for name in ("events.notices", "families.notices", "conversations.announcements.notices"):
        module = importlib.import_module(name)
        for kind in module.KINDS:
            assert registry.renderers.get(kind) is module.render, (name, kind)


def test_the_family_resolver_is_registered_by_families():
    assert registry.resolvers["family"].__module__ == "families.notices"


def test_only_kinds_whose_time_is_the_point_skip_the_daily_limit_and_budget():
    assert {
        "reminder",
        "event_changed",
        "event_cancelled",
        "sign_in_paused",
        "announcement_urgent",
        "conference_reminder",
        "conference_cancelled",
        "volunteer_reminder",
    } == registry.TIME_CRITICAL_KINDS
    # Only an announcement a school or district admin marked urgent wakes a family.
    assert {"announcement_urgent"} == registry.URGENT_KINDS


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["es", "ar", "zh-hans"])
def test_the_link_in_a_text_opens_the_event_in_the_familys_language(client, school_a, language):
    from events.notices import render

    event = make_event(school_a)
    family = make_family("Rina", school_a, phone="+12125550123", language=language)
    message = Message(
        kind="reminder",
        language=language,
        context={"event": event.pk},
        recipient=f"family:{family.pk}",
    )
    sms = render(message, None).sms
    (link,) = re.findall(r"https?://\S+", sms)
    base = settings.PORTAL_BASE_URL.rstrip("/")
    assert link.startswith(f"{base}/{language}/")
    # The event's page itself when it fits, else its short address, which leads there.
    response = client.get(link.removeprefix(base), follow=True)
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == f"/{language}/events/{event.pk}/"
