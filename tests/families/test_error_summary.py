"""Errors the GOV.UK way on every family form: "Error:" in the page title, a summary at the
top with one link per problem to its box, each message above its box and naming the field,
every problem at once, in the reader's language; hostile input escaped and kept."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone, translation

from families.models import Membership
from tests.committees.test_pages import add_seat, make_committee
from tests.families.conftest import make_family

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script>'


def summary(page: str) -> list[tuple[str, str]]:
    """[(link target or "", text)] of the error summary."""
    found = re.search(r'<div class="error-summary".*?</ul>', page, re.S)
    assert found, "no error summary"
    items = re.findall(r"<li>(.*?)</li>", found.group(0), re.S)
    result = []
    for item in items:
        link = re.match(r'<a href="#([^"]+)">(.*)</a>$', item, re.S)
        result.append((link.group(1), link.group(2)) if link else ("", item))
    return result


def title(page: str) -> str:
    return unescape(re.search(r"<title>(.*?)</title>", page, re.S).group(1))


def field_messages(page: str) -> list[str]:
    return re.findall(r'<p class="error-message" id="([^"]+)_error">', page)


def t(language, text):
    with translation.override(language):
        return translation.gettext(text)


def generic_messages(language):
    """Django's own words that name no field."""
    return [
        t(language, "This field is required."),
        t(language, "Enter a valid email address."),
    ]


def check_summary(page, language, targets):
    """The summary links each problem, in page order, to a box that exists on the page."""
    assert title(page).startswith(t(language, "Error:") + " ")
    links = summary(page)
    assert [target for target, _ in links] == targets
    for target, text in links:
        assert re.search(rf'<(input|select|textarea)[^>]* id="{target}"', page), target
        assert text.strip()
    for generic in generic_messages(language):
        assert generic not in page
    # The same messages stand above their boxes (a radio group's above its first choice).
    boxes = [re.sub(r"_0$", "", target) for target in targets]
    assert sorted(set(field_messages(page))) == sorted(set(boxes))
    return links


@pytest.fixture
def parent_client(client, school_a):
    family = make_family("ZZE Ana", school_a, phone="+12125550131", language="es")
    client.force_login(family.user)
    return client


@pytest.mark.parametrize("language", ["es", "ar", "ur"])
def test_signup_with_every_field_wrong_lists_every_problem_at_once(client, language):
    page = client.post(
        f"/{language}/accounts/signup/",
        {
            "display_name": "",
            "language": "xx",
            "channel": "pigeon",
            "phone": "",
            "email": "a@",
            "interpreter_language": "zz",
        },
    ).content.decode()
    links = check_summary(
        page,
        language,
        ["id_display_name", "id_language", "id_email", "id_channel_0", "id_interpreter_language"],
    )
    with translation.override(language):
        from families.forms import CHANNEL_MESSAGES, NAME_MESSAGES

        assert unescape(links[0][1]) == str(NAME_MESSAGES["required"])
        assert unescape(links[3][1]) == str(CHANNEL_MESSAGES["required"])


def test_signup_without_phone_or_email_links_to_the_phone_box(client):
    page = client.post(
        "/en/accounts/signup/", {"display_name": "Ana", "language": "en", "channel": "none"}
    ).content.decode()
    (link,) = check_summary(page, "en", ["id_phone"])
    assert "Type a mobile number or an email address" in link[1]


def test_profile_join_and_committee_forms_name_their_fields(parent_client, school_a, school_b):
    page = parent_client.post(
        "/es/my/profile/", {"display_name": "", "language": "", "channel": ""}
    ).content.decode()
    check_summary(page, "es", ["id_display_name", "id_language", "id_channel_0"])

    page = parent_client.post(
        "/es/my/schools/join/", {"school": "999999", "join_code": "x" * 30}
    ).content.decode()
    links = check_summary(page, "es", ["id_school", "id_join_code"])
    assert "20" in links[1][1]  # the limit, in plain words
    page = parent_client.post("/es/my/schools/join/", {"school": "", "join_code": ""})
    check_summary(page.content.decode(), "es", ["id_school"])

    committee = make_committee(school=school_a)
    add_seat(committee, "1")
    page = parent_client.post(f"/es/committees/{committee.pk}/", {"statement": ""})
    check_summary(page.content.decode(), "es", ["id_statement"])


def test_feedback_assist_and_front_desk_forms_name_their_fields(
    client, school_a, partner_staff_a, front_desk_a
):
    page = client.post(f"/es/schools/{school_a.slug}/write/", {"kind": "", "text": ""})
    check_summary(page.content.decode(), "es", ["id_kind_0", "id_text"])

    client.force_login(partner_staff_a)
    page = client.post("/es/assist/", {"interpreter_language": "zz"}).content.decode()
    check_summary(
        page,
        "es",
        [
            "id_display_name",
            "id_language",
            "id_channel_0",
            "id_interpreter_language",
            "id_school",
            "id_consent",
        ],
    )
    client.force_login(front_desk_a)
    page = client.post("/es/front-desk/", {"code": ""}).content.decode()
    check_summary(page, "es", ["id_code"])


def test_a_page_without_a_problem_has_no_summary_and_no_error_title(client, school_a):
    page = client.get("/es/accounts/signup/").content.decode()
    assert 'class="error-summary"' not in page
    assert not title(page).startswith("Error")
    page = client.post(f"/es/schools/{school_a.slug}/write/", {"kind": "question", "text": "Hola"})
    assert page.status_code == 302


@pytest.mark.parametrize("value", [HOSTILE, "x" * 10_000, "\u202e" + HOSTILE, "{{ 7*7 }}"])
def test_hostile_and_huge_input_is_refused_clearly_escaped_and_kept(parent_client, school_a, value):
    pages = [
        parent_client.post(
            "/es/my/profile/",
            {
                "display_name": value,
                "language": value,
                "channel": value,
                "wants_interpreter": value,
            },
        ),
        parent_client.post("/es/my/schools/join/", {"school": value, "join_code": value}),
        parent_client.post(
            f"/es/schools/{school_a.slug}/write/", {"kind": value, "text": value * 2}
        ),
        Client().post("/es/accounts/login/code/", {"login": value}),  # logged out
    ]
    for response in pages:
        assert response.status_code == 200
        page = response.content.decode()
        assert "<script>alert" not in page and "49" not in title(page)
        assert summary(page)  # a clear message, linked
        if value == HOSTILE:
            # Kept as typed (escaped) in a box that takes text.
            assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


# The login page: one box for a mobile number or an email ------------------------------


def test_the_login_code_page_has_one_box_for_a_number_or_an_email(client):
    page = client.get("/es/accounts/login/code/").content.decode()
    assert 'name="login"' in page and 'name="phone"' not in page and 'name="email"' not in page
    assert t("es", "Mobile number or email") in page


@pytest.mark.parametrize("typed", ["212 555 0131", "(212) 555-0131", "+1 212 555 0131"])
def test_a_number_typed_local_or_international_gets_its_code(client, school_a, typed):
    from messaging import sms

    make_family("ZZE Ana", school_a, phone="+12125550131", language="es")
    response = client.post("/es/accounts/login/code/", {"login": typed})
    assert response.status_code == 302 and "confirm" in response["Location"]
    assert [m["to"] for m in sms.outbox] == ["+12125550131"]


def test_an_email_in_the_box_gets_its_code_by_email(client, school_a, mailoutbox):
    make_family("ZZE Ana", school_a, email="ana@example.org", language="es")
    response = client.post("/es/accounts/login/code/", {"login": " Ana@Example.org "})
    assert response.status_code == 302 and "confirm" in response["Location"]
    assert [m.to for m in mailoutbox] == [["ana@example.org"]]


def test_an_unknown_number_or_email_looks_the_same_as_a_known_one(client, school_a):
    make_family("ZZE Ana", school_a, phone="+12125550131", email="ana@example.org")
    known = [
        client.post("/es/accounts/login/code/", {"login": v})["Location"]
        for v in ("2125550131", "ana@example.org")
    ]
    unknown = [
        client.post("/es/accounts/login/code/", {"login": v})["Location"]
        for v in ("2125550199", "nobody@example.org")
    ]
    assert known == unknown


@pytest.mark.parametrize(
    "typed, message",
    [
        ("", "Type your mobile number or your email address."),
        (
            "abc",
            "This does not look like a mobile number or an email address. Type the number with "
            "its area code, for example 212 555 0123, or the country code, for example +52 55 "
            "1234 5678.",
        ),
        ("ana@", "This email address is not complete. Check it: it looks like name@example.com."),
        ("x" * 10_000, "This is too long for a mobile number or an email address."),
        (
            "+1 900 555 1234",
            "We cannot send text messages to this kind of number (landline, toll-free or paid "
            "service). Please type a mobile number.",
        ),
    ],
)
@pytest.mark.parametrize("language", ["es", "ar"])
def test_a_wrong_login_box_says_why_in_the_readers_language(client, typed, message, language):
    response = client.post(f"/{language}/accounts/login/code/", {"login": typed})
    assert response.status_code == 200
    page = response.content.decode()
    ((_, text),) = check_summary(page, language, ["id_login"])
    assert unescape(text) == t(language, message) != message
    if typed and len(typed) < 100:
        assert f'value="{typed}"' in page  # what was typed is kept


# My page: the next step until a school confirms ----------------------------------------


def _answered(school, days_list):
    """Requests to join this school, answered after these many days."""
    now = timezone.now()
    for index, days in enumerate(days_list):
        family = make_family(f"ZZH {index}")
        Membership.objects.create(
            family=family,
            school=school,
            via=Membership.Via.REQUEST,
            status=Membership.Status.CONFIRMED,
            created_at=now - timedelta(days=30),
            decided_at=now - timedelta(days=30) + timedelta(days=days),
        )


def test_a_family_in_no_school_is_told_to_join_one(client):
    family = make_family("ZZN Noor", phone="+12125550141", language="ar")
    client.force_login(family.user)
    page = client.get("/ar/my/").content.decode()
    assert t("ar", "Next: join your child's school") in page
    assert 'class="button" href="/ar/my/schools/join/"' in page


def test_a_waiting_family_sees_how_long_the_school_usually_takes(
    client, school_a, django_assert_max_num_queries
):
    family = make_family("ZZN Noor", school_a, phone="+12125550141", confirmed=False)
    Membership.objects.filter(family=family).update(via=Membership.Via.REQUEST)
    client.force_login(family.user)
    _answered(school_a, [1, 2, 2, 3])  # four answers: too few for a figure
    page = client.get("/en/my/").content.decode()
    assert "The school checks each request itself." in page and "usually answers" not in page
    _answered(school_a, [9])  # five answers, and this family's own request still waiting:
    # waits 0, 1, 2, 2, 3, 9 days → three in four answered within 3 days. Twelve queries:
    # the page's own, and one each for its meetings, volunteer shifts and conversations and
    # the latest announcements (the same with none or many).
    with django_assert_max_num_queries(12):
        page = client.get("/en/my/").content.decode()
    assert "It usually answers within 3 days." in page
    _answered(school_a, [5] * 100)  # the same page, the same queries, with 105 answers
    with django_assert_max_num_queries(12):
        page = client.get("/en/my/").content.decode()
    assert "It usually answers within 5 days." in page
    # A school that leaves requests waiting gets a longer figure, not a shorter one.
    for index in range(40):
        Membership.objects.create(
            family=make_family(f"ZZW {index}"),
            school=school_a,
            via=Membership.Via.REQUEST,
            created_at=timezone.now() - timedelta(days=19, hours=12),  # 20 days, begun
        )
    page = client.get("/en/my/").content.decode()
    assert "It usually answers within 20 days." in page


def test_a_confirmed_family_sees_no_next_step_panel(client, school_a):
    family = make_family("ZZN Noor", school_a, phone="+12125550141")
    client.force_login(family.user)
    page = client.get("/en/my/").content.decode()
    assert "Next: join your child" not in page


def test_a_confirmation_is_a_success_panel_that_says_what_happens_next(client, school_a):
    family = make_family("ZZN Noor", phone="+12125550141", language="es")
    client.force_login(family.user)
    response = client.post("/es/my/schools/join/", {"school": school_a.pk}, follow=True)
    page = response.content.decode()
    item = re.search(r'<li class="success">(.*?)</li>', page, re.S).group(1)
    assert "<svg" in item
    with translation.override("es"):
        expected = translation.gettext(
            "We sent your request to this school: %(school)s. Next, the school checks it."
        ) % {"school": school_a.name}
    assert expected in unescape(item)
    assert t("es", "Next: join your child's school") in page


@pytest.mark.parametrize("language", ["ht", "tl", "ur", "bn", "uz", "sq"])
def test_a_weak_password_is_explained_in_the_readers_language(client, language):
    """Django's own password rules, where Django has no words for the language, read in
    ours (locale_django, scripts/django_gaps.py)."""
    page = client.post(
        f"/{language}/accounts/signup/",
        {
            "display_name": "Ana",
            "language": language,
            "channel": "sms",
            "phone": "2125550151",
            "password1": "123",
        },
    ).content.decode()
    links = summary(page)
    assert len(links) == 3 and {target for target, _ in links} == {"id_password1"}
    for _, text in links:
        assert "password" not in text.lower() or language == "tl", text
        assert "short" not in text and "common" not in text and "numeric" not in text, text
