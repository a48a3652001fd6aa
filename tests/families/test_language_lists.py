"""Languages in a parent's own words (issue 18, point 7).

Every language list in the family forms shows each language by its own name, with the page
language's name beside it ("العربية (árabe)"); the lists and the language picker put English
first, then the languages the most families use. The order is counted at most once every
LANGUAGE_ORDER_SECONDS per process, so no page pays a query for it.
"""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from families.forms import ProfileForm
from tests.families.conftest import make_family

FSI, PDI = "\u2068", "\u2069"


def options(page: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S).group(0)
    return [
        (code, html.unescape(label))
        for code, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
    ]


def families_speaking(**counts):
    for code, count in counts.items():
        for n in range(count):
            make_family(f"ZZL {code} {n}", language=code.replace("_", "-"))


@pytest.mark.django_db
def test_the_signup_lists_languages_in_their_own_words_most_used_first(client):
    families_speaking(ar=3, ht=2, zh_hant=1)
    page = client.get("/es/accounts/signup/").content.decode()
    listed = options(page, "language")
    assert listed[:4] == [
        ("en", f"{FSI}English{PDI} (inglés)"),
        ("ar", f"{FSI}العربية{PDI} (árabe)"),
        ("ht", f"{FSI}Kreyòl ayisyen{PDI} (criollo haitiano)"),
        ("zh-hant", f"{FSI}繁體中文{PDI} – chino (tradicional)"),
    ]
    # The page's own language needs no second name; every language is there once.
    assert ("es", "Español") in listed
    assert len(listed) == 15 and len(set(listed)) == 15
    # The interpreter list follows the same order, after its empty choice.
    interpreter = options(page, "interpreter_language")
    assert [code for code, _ in interpreter] == ["", *[code for code, _ in listed]]


@pytest.mark.django_db
def test_the_picker_follows_the_same_order(client):
    families_speaking(uk=2, bn=1)
    page = client.get("/ar/language/").content.decode()
    picked = re.findall(r'name="language" value="([^"]+)"', page)
    assert picked[:3] == ["en", "uk", "bn"]
    assert sorted(picked) == sorted(set(picked)) and len(picked) == 15


@pytest.mark.django_db
def test_an_arabic_page_names_each_language_in_arabic_beside_its_own_name(client):
    page = client.get("/ar/accounts/signup/").content.decode()
    listed = dict(options(page, "language"))
    assert listed["es"] == f"{FSI}Español{PDI} (الإسبانية)"
    assert listed["ar"] == "العربية"


@pytest.mark.django_db
def test_the_order_is_counted_once_an_hour_not_on_every_page(client, settings):
    families_speaking(ko=2)
    assert options(client.get("/en/accounts/signup/").content.decode(), "language")[1][0] == "ko"
    families_speaking(ru=5)
    # Within the hour: the same order, and not one query spent on it.
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/en/accounts/signup/").content.decode()
    assert options(page, "language")[1][0] == "ko"
    assert not [q["sql"] for q in queries if "families_family" in q["sql"]]
    # Once LANGUAGE_ORDER_SECONDS has passed, the next page counts again.
    settings.LANGUAGE_ORDER_SECONDS = 0
    assert [
        code for code, _ in options(client.get("/en/accounts/signup/").content.decode(), "language")
    ][1:3] == ["ru", "ko"]


@pytest.mark.django_db
@pytest.mark.parametrize("families", [10, 200])
def test_the_signup_page_costs_the_same_queries_with_many_families(
    client, django_assert_max_num_queries, families
):
    families_speaking(es=families // 2, ar=families // 2)
    client.get("/en/accounts/signup/")  # counted once here
    with django_assert_max_num_queries(2):
        assert client.get("/en/accounts/signup/").status_code == 200


@pytest.mark.django_db
def test_the_profile_saves_a_language_chosen_from_the_new_list(client):
    family = make_family("ZZL Amal", phone="+12125550177", language="en")
    client.force_login(family.user)
    form = ProfileForm(instance=family)
    assert form.fields["language"].choices[0] == ("en", "English")
    response = client.post(
        "/en/my/profile/",
        {
            "display_name": "ZZL Amal",
            "language": "ar",
            "channel": "sms",
            "interpreter_language": "",
        },
    )
    assert response.status_code == 302
    family.refresh_from_db()
    assert family.language == "ar"
    # A code that is not one of ours is refused with the form, in the family's language.
    response = client.post(
        "/ar/my/profile/",
        {"display_name": "ZZL Amal", "language": "xx", "channel": "sms"},
    )
    assert response.status_code == 200
    family.refresh_from_db()
    assert family.language == "ar"
