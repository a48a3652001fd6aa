"""RELIABILITY A2, A3, F6: security headers on every page, cookies, no third-party hosts."""

import re

import pytest
from django.contrib import admin

from tests.conftest import PASSWORD, make_guide

# Anything the page would load from another host (a tapped link, such as a map, is fine).
EXTERNAL = re.compile(
    r"""<(?:script|img|audio|video|source|iframe|embed|object)\b[^>]*\ssrc\s*=\s*["']?\s*(?:https?:)?//"""
    r"""|<link\b[^>]*\shref\s*=\s*["']?\s*(?:https?:)?//""",
    re.I,
)


@pytest.fixture
def pages(school_a):
    guide = make_guide(school_a)
    family = [
        "/en/",
        "/ar/",
        "/en/?q=school",
        "/en/language/",
        f"/en/districts/{school_a.district.slug}/",
        school_a.get_absolute_url(),
        guide.get_absolute_url(),
        guide.get_absolute_url().replace("/en/", "/ur/"),
        "/en/accounts/login/",
        "/en/accounts/login/code/",
        "/ar/accounts/signup/",
        "/en/privacy/",
        f"/ur/schools/{school_a.slug}/write/",
        "/en/schools/does-not-exist/",
    ]
    staff = ["/admin/"] + [
        f"/admin/{m._meta.app_label}/{m._meta.model_name}/" for m in admin.site._registry
    ]
    return family, staff


def assert_hardened(response, path):
    csp = response.headers.get("Content-Security-Policy", "")
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ):
        assert directive in csp, (path, csp)
    # Scripts only from this site, or inline with the page's nonce (added when a page uses one).
    assert re.search(r"script-src 'self'(?: 'nonce-[\w+/=-]+')?;", csp), (path, csp)
    assert "unsafe-inline" not in csp
    hsts = response.headers.get("Strict-Transport-Security", "")
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts, path
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") == "same-origin"
    assert response.headers.get("Cross-Origin-Opener-Policy") == "same-origin"
    assert response.headers.get("X-Frame-Options") == "DENY"
    if "html" in response.headers.get("Content-Type", ""):
        body = response.content.decode()
        assert not EXTERNAL.findall(body), (path, EXTERNAL.findall(body))
        # Any script must carry the page's nonce (no inline script without it).
        for tag in re.findall(r"<script\b[^>]*>", body):
            assert "nonce=" in tag or 'src="/static/' in tag, (path, tag)


def test_anonymous_pages_are_hardened(client, pages):
    family, staff = pages
    for path in family + staff:
        response = client.get(path, secure=True)
        assert response.status_code in (200, 302, 404), path
        assert_hardened(response, path)


def test_staff_pages_are_hardened_and_never_cached(client, pages, staff_a):
    family, staff = pages
    client.force_login(staff_a)
    for path in family + staff:
        response = client.get(path, secure=True)
        assert response.status_code in (200, 302, 403, 404), path
        assert_hardened(response, path)
        assert response.headers.get("Cache-Control") == "no-store", path


def test_login_sets_host_prefixed_secure_cookies(client, staff_a):
    page = client.get("/en/accounts/login/", secure=True)
    csrf = page.cookies["__Host-csrftoken"]
    assert csrf["secure"] and csrf["path"] == "/" and not csrf["domain"]
    assert csrf["samesite"] == "Lax"
    response = client.post(
        "/en/accounts/login/", {"login": staff_a.email, "password": PASSWORD}, secure=True
    )
    assert response.status_code == 302
    session = response.cookies["__Host-sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert session["path"] == "/" and not session["domain"]


def test_login_gives_a_new_session_key(client, staff_a):
    client.get("/en/", secure=True)
    session = client.session
    session["probe"] = 1
    session.save()
    before = session.session_key
    client.post("/en/accounts/login/", {"login": staff_a.email, "password": PASSWORD}, secure=True)
    assert client.cookies["__Host-sessionid"].value != before


def test_plain_http_is_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/en/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_family_pages_are_hardened_and_never_cached(client, school_a):
    from accounts.models import User
    from families.services import register_family

    user = User.objects.create_user(phone="+12125550123", phone_verified=True)
    register_family(user=user, display_name="Rina", language="ar", channel="sms")
    client.force_login(user)
    for path in (
        "/ar/my/",
        "/ar/my/pass/",
        "/ar/my/profile/",
        "/ar/my/data/",
        "/ar/my/schools/join/",
    ):
        response = client.get(path, secure=True)
        assert response.status_code == 200, path
        assert_hardened(response, path)
        assert response.headers.get("Cache-Control") == "no-store", path
