"""RELIABILITY G3: errors fail closed and say nothing internal; the error reporter never
shows passwords or one-time codes typed into the login pages."""

import logging

import pytest
from django.test import Client
from django.utils import translation
from django.views.debug import SafeExceptionReporterFilter

from tests.families.conftest import last_code, make_family

pytestmark = pytest.mark.django_db

SECRET = "hunter2"


@pytest.mark.urls("tests.portal.error_urls")
@pytest.mark.parametrize("language", ["en", "ar"])
def test_an_exception_in_a_view_gives_the_generic_500_page(settings, language, caplog):
    assert settings.DEBUG is False
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/broken/")
    assert response.status_code == 500
    page = response.content.decode()
    with translation.override(language):
        assert translation.gettext("Something went wrong on our side") in page
    assert f'lang="{language}"' in page
    for internal in (SECRET, "RuntimeError", "Traceback", "secret.py", "psycopg"):
        assert internal not in page
    # The details go to the log, for us.
    assert any("RuntimeError" in (r.exc_text or "") or r.exc_info for r in caplog.records)


def reported_post(response):
    """The POST data as the error reporter (mail to admins, logs) would show it."""
    return SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)


def test_the_error_reporter_hides_passwords_on_login_and_signup(client, staff_a):
    response = client.post("/en/accounts/login/", {"login": staff_a.email, "password": SECRET})
    assert SECRET not in str(reported_post(response))
    assert reported_post(response)["login"] == staff_a.email
    response = client.post(
        "/en/accounts/signup/",
        {"display_name": "A", "language": "en", "email": "a@example.org", "password1": SECRET},
    )
    assert SECRET not in str(reported_post(response))


def test_the_error_reporter_hides_one_time_codes(client, school_a):
    make_family("ZZC Ana", school_a, phone="+12125550155")
    response = client.post("/en/accounts/login/code/", {"phone": "+12125550155"})
    code = last_code("+12125550155")
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == 302  # the code worked, and was still left out
    assert code not in str(reported_post(response))
    # A new parent's phone is confirmed with a code too.
    client = Client()
    response = client.post(
        "/en/accounts/signup/",
        {"display_name": "B", "language": "en", "phone": "(212) 555-0156", "channel": "sms"},
    )
    code = last_code("+12125550156")
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == 302  # the code worked, and was still left out
    assert code not in str(reported_post(response))
