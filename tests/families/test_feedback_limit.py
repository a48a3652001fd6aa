"""The form families use to write to a school is limited per address (or per family), so a
script cannot bury a school's inbox; over the limit the visitor keeps what they typed."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from families.models import Feedback
from tests.families.conftest import make_family

pytestmark = pytest.mark.django_db


def write(client, school, text, language="en", **extra):
    return client.post(
        f"/{language}/schools/{school.slug}/write/", {"kind": "question", "text": text}, **extra
    )


def test_forty_anonymous_messages_from_one_address_are_limited(school_a):
    limit = settings.FEEDBACK_MAX_PER_HOUR
    answers = [write(Client(), school_a, f"Question {i}").status_code for i in range(40)]
    # Failed first with: assert 40 == 10 (every one of the 40 was accepted).
    assert Feedback.objects.count() == limit
    assert answers == [302] * limit + [429] * (40 - limit)


def test_over_the_limit_the_form_comes_back_with_the_text_in_the_visitor_s_language(school_a):
    for i in range(settings.FEEDBACK_MAX_PER_HOUR):
        write(Client(), school_a, f"Pregunta {i}", language="es")
    response = write(Client(), school_a, "¿A qué hora empieza la escuela? ☺", language="es")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Ha enviado muchos mensajes en poco tiempo." in page
    assert "¿A qué hora empieza la escuela? ☺" in page
    assert re.search(r'value="question"[^>]*checked', page)


def test_the_limit_follows_the_real_client_behind_the_proxy(school_a, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for i in range(settings.FEEDBACK_MAX_PER_HOUR):
        write(Client(), school_a, f"Q {i}", HTTP_X_FORWARDED_FOR=f"1.2.3.{i}, 10.0.0.9")
    # A forged first address does not reset the count; another real client is not blocked.
    spoofed = write(Client(), school_a, "Q", HTTP_X_FORWARDED_FOR="9.9.9.9, 10.0.0.9")
    other = write(Client(), school_a, "Q", HTTP_X_FORWARDED_FOR="10.0.0.10")
    assert (spoofed.status_code, other.status_code) == (429, 302)


def test_a_logged_in_family_has_its_own_count_and_the_limit_ends_after_an_hour(school_a):
    for i in range(settings.FEEDBACK_MAX_PER_HOUR):
        write(Client(), school_a, f"Q {i}")
    family = make_family("ZZQ Rina", school_a, phone="+12125550140")
    client = Client()
    client.force_login(family.user)
    assert write(client, school_a, "From a family").status_code == 302
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        assert write(Client(), school_a, "An hour later").status_code == 302


def test_one_ipv6_home_network_shares_one_count(school_a):
    """A phone or a home holds a whole IPv6 /64 and can pick a new address in it for each
    message; the count follows the /64, as the login code limits do."""
    limit = settings.FEEDBACK_MAX_PER_HOUR
    answers = [
        write(Client(REMOTE_ADDR=f"2001:db8:1:2::{i:x}"), school_a, f"Q {i}").status_code
        for i in range(limit + 1)
    ]
    assert answers == [302] * limit + [429]
    assert write(Client(REMOTE_ADDR="2001:db8:1:3::1"), school_a, "Q").status_code == 302
