"""RELIABILITY C4: every page needs a login unless it is on the public allow-list."""

import re

from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import make_guide

# Pages anyone may open (family pages, the language picker, allauth's login flow).
PUBLIC = {
    "schools:home",
    "schools:district",
    "schools:school",
    "schools:guide",
    "language",
    "families:feedback",
    "events:detail",
    "events:ics",
    "events:short",
    "events:district",
    "events:feed",
    "committees:committee",
    "signups:conferences",
    "signups:volunteer",
    "signups:volunteer_short",
    "families:privacy",
    "admin:login",
    "admin:logout",
    "robots_txt",
    "account_login",
    "account_staff_login",
    "account_signup",
    "account_logout",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_confirm_email",
    "account_email_verification_sent",
    "account_inactive",
    "account_login_code_confirm",
    "account_request_login_code",
    "account_confirm_login_code",
    "account_email_verification_code",
    "account_verify_email",
    "account_verify_phone",
    "account_confirm_password_reset_code",
    "account_password_reset_code",
    "account_reset_password_code",
    "account_signup_by_passkey",
}


def walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), f"{namespace}{entry.name or ''}"


def concrete(route, values):
    route = route.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m.group(1), "1"), route)
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values.get(m.group(1), "1"), route)
    if any(ch in route for ch in "()[]?*+|"):
        return None
    return "/" + route.lstrip("/")


def test_non_public_pages_redirect_to_login(client, school_a):
    guide = make_guide(school_a)
    values = {"slug": school_a.slug, "school": school_a.slug, "path": "x"}
    checked = 0
    for route, name in walk(get_resolver().url_patterns):
        if name in PUBLIC:
            continue
        path = concrete(route.replace("en/", "", 1), values)
        if path is None or path.startswith("/media/"):
            continue
        if not path.startswith(("/admin", "/robots")):
            path = "/en" + path if not path.startswith("/en/") else path
        response = client.get(path)
        checked += 1
        assert response.status_code in (302, 404, 405), (name, path, response.status_code)
        if response.status_code == 302:
            location = response["Location"]
            assert "login" in location, (name, path, location)
    assert checked > 20
    # And the public pages really are public.
    for path in ("/en/", school_a.get_absolute_url(), guide.get_absolute_url(), "/en/language/"):
        assert client.get(path).status_code == 200
