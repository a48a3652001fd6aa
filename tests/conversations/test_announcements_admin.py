"""Staff write, preview, fill by machine, approve and send announcements in the admin,
scoped to their school; only admins may mark one urgent."""

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from conversations.announcements.models import Announcement, Version
from messaging.models import Message
from tests.conftest import make_staff
from tests.conversations.conftest import TEXTS, make_announcement, many_families

pytestmark = pytest.mark.django_db
ADD = "/admin/conversations/announcement/add/"


def change_url(announcement):
    return f"/admin/conversations/announcement/{announcement.pk}/change/"


def form(school, versions=None, existing=(), **extra):
    if versions is None:
        versions = [(v.language, v.title, v.body) for v in existing] or [("en", *TEXTS["en"])]
    data = {
        "school": school.pk if school else "",
        "district": "",
        "audience": "all",
        "event": "",
        "committee": "",
        "default_language": "en",
        "send_at_0": "",
        "send_at_1": "",
        "versions-TOTAL_FORMS": len(versions),
        "versions-INITIAL_FORMS": len(existing),
        "versions-MIN_NUM_FORMS": 0,
        "versions-MAX_NUM_FORMS": 1000,
    }
    for i, (language, title, body) in enumerate(versions):
        data[f"versions-{i}-language"] = language
        data[f"versions-{i}-title"] = title
        data[f"versions-{i}-body"] = body
        if i < len(existing):
            data[f"versions-{i}-id"] = existing[i].pk
            data[f"versions-{i}-announcement"] = existing[i].announcement_id
            if existing[i].needs_review:
                data[f"versions-{i}-needs_review"] = "on"
    data.update(extra)
    return data


def admin_of(school):
    user = make_staff(f"admin.{school.slug}@example.org", school=school)
    user.user_permissions.add(Permission.objects.get(codename="mark_urgent"))
    return user


def test_staff_write_and_send_an_announcement_to_their_school(client, staff_a, school_a):
    many_families(school_a, ["en", "es", "ar"])
    client.force_login(staff_a)
    response = client.post(ADD, form(school_a, _send_now="1"), follow=True)
    assert response.status_code == 200
    announcement = Announcement.objects.get()
    assert announcement.status == "sent" and announcement.created_by == staff_a
    assert Message.objects.filter(kind="announcement").count() == 3
    assert "Sent to 3 families" in response.content.decode()
    # Pressed again (a second tab, a double click): nothing more goes out.
    again = client.post(
        change_url(announcement),
        form(school_a, existing=list(announcement.versions.all()), _send_now="1"),
        follow=True,
    )
    assert Message.objects.filter(kind="announcement").count() == 3
    assert again.status_code == 200


def test_another_schools_staff_cannot_see_or_send(client, staff_b, school_a, school_b):
    announcement = make_announcement(school_a)
    client.force_login(staff_b)
    assert client.get(change_url(announcement)).status_code == 404
    page = client.get("/admin/conversations/announcement/").content.decode()
    assert TEXTS["en"][0] not in page
    forged = client.post(change_url(announcement), form(school_a, _send_now="1"))
    assert forged.status_code == 404
    # Nor create one for another school: the school is not among the choices.
    response = client.post(ADD, form(school_a, _send_now="1"))
    assert (
        response.status_code == 200
        and not Announcement.objects.filter(school=school_a).exclude(pk=announcement.pk).exists()
    )
    assert not Message.objects.exists()


def test_district_staff_see_only_their_districts_announcements(
    client, district_staff_a, school_a, school_b
):
    mine, theirs = make_announcement(school_a), make_announcement(school_b)
    client.force_login(district_staff_a)
    assert client.get(change_url(mine)).status_code == 200
    assert client.get(change_url(theirs)).status_code == 404


def test_plain_staff_cannot_mark_urgent_even_with_a_forged_post(client, staff_a, school_a):
    many_families(school_a, ["en"])
    client.force_login(staff_a)
    page = client.get(ADD).content.decode()
    assert 'name="urgent"' not in page
    client.post(ADD, form(school_a, urgent="on", _send_now="1"))
    announcement = Announcement.objects.get()
    assert announcement.urgent is False
    assert Message.objects.get().kind == "announcement"


def test_a_school_admin_marks_it_urgent_and_it_skips_the_night(client, school_a, settings):
    settings.QUIET_HOURS = (21, 8)
    many_families(school_a, ["en"])
    client.force_login(admin_of(school_a))
    night = timezone.datetime(2026, 12, 7, 23, 30, tzinfo=timezone.get_current_timezone())
    import time_machine

    with time_machine.travel(night, tick=False):
        client.post(ADD, form(school_a, urgent="on", _send_now="1"))
        message = Message.objects.get()
        assert message.kind == "announcement_urgent"
        assert message.due_at == timezone.now()  # now, at 23:30


def test_a_plain_announcement_waits_for_the_morning(client, staff_a, school_a, settings):
    settings.QUIET_HOURS = (21, 8)
    many_families(school_a, ["en"])
    client.force_login(staff_a)
    import time_machine

    night = timezone.datetime(2026, 12, 7, 23, 30, tzinfo=timezone.get_current_timezone())
    with time_machine.travel(night, tick=False):
        client.post(ADD, form(school_a, _send_now="1"))
    message = Message.objects.get()
    local = timezone.localtime(message.due_at, timezone.get_current_timezone())
    assert (local.day, local.hour) == (8, 8)


def test_urgent_made_by_an_admin_cannot_be_sent_by_plain_staff(client, staff_a, school_a):
    from conversations.announcements import services

    announcement = make_announcement(school_a, urgent=True)
    with pytest.raises(services.NotAllowed):
        services.send(announcement, by=staff_a)
    client.force_login(staff_a)
    response = client.post(
        change_url(announcement),
        form(school_a, existing=list(announcement.versions.all()), _send_now="1"),
        follow=True,
    )
    assert "Only school and district admins" in response.content.decode()
    assert not Message.objects.exists()


def test_the_preview_shows_each_languages_text_and_its_segments(client, staff_a, school_a):
    many_families(school_a, ["ht"])
    announcement = make_announcement(school_a)
    client.force_login(staff_a)
    page = client.get(change_url(announcement)).content.decode()
    assert TEXTS["ar"][0] in page and 'dir="rtl"' in page
    assert "1 segment" in page
    # Haitian Creole has no version: its families get the English one, said so.
    assert "Kreyòl" in page and "no version: gets English" in page


def test_machine_fill_marks_needs_review_and_approval_clears_it(
    client, staff_a, school_a, libretranslate
):
    families = many_families(school_a, ["ht"])
    announcement = make_announcement(school_a, languages=("en",))
    client.force_login(staff_a)
    versions = list(announcement.versions.all())
    response = client.post(
        change_url(announcement), form(school_a, existing=versions, _fill_missing="1"), follow=True
    )
    page = response.content.decode()
    filled = {v.language: v for v in announcement.versions.all()}
    assert set(filled) == {"en", "es", "ar", "ht"}  # the school's languages and the families'
    assert filled["ht"].needs_review and filled["ht"].machine_translated
    assert filled["ht"].title == "[ht] " + TEXTS["en"][0]
    assert "to be reviewed by a person" in page
    # Only the school's words left the portal: no family's name or number.
    sent = libretranslate.sent()
    assert TEXTS["en"][1] in sent
    assert families[0].display_name not in sent and families[0].user.phone not in sent
    # Not sent while a machine translation waits for review.
    client.post(change_url(announcement), form(school_a, existing=versions, _send_now="1"))
    assert not Message.objects.exists()
    # A person approves each (unticks "needs review"), then it goes.
    ordered = list(announcement.versions.order_by("language"))
    data = form(
        school_a,
        versions=[(v.language, v.title, v.body) for v in ordered],
        existing=ordered,
        _send_now="1",
    )
    for i in range(len(ordered)):
        data.pop(f"versions-{i}-needs_review", None)
    client.post(change_url(announcement), data)
    ht = announcement.versions.get(language="ht")
    assert not ht.needs_review and ht.reviewed_by == staff_a
    assert Message.objects.filter(kind="announcement").count() == 1


def test_a_translation_provider_error_says_so_and_loses_nothing(
    client, staff_a, school_a, libretranslate
):
    libretranslate.fail(503)
    client.force_login(staff_a)
    response = client.post(ADD, form(school_a, _fill_missing="1"), follow=True)
    page = response.content.decode()
    assert "The translation service did not answer" in page
    announcement = Announcement.objects.get()
    assert list(announcement.versions.values_list("language", "title")) == [("en", TEXTS["en"][0])]


def test_without_machine_translation_staff_are_told(client, staff_a, school_a):
    client.force_login(staff_a)
    response = client.post(ADD, form(school_a, _fill_missing="1"), follow=True)
    assert "No machine translation is set up" in response.content.decode()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"versions-0-title": ""}, "This field is required"),
        ({"versions-0-body": "x" * 5000}, "at most 1000 characters"),
        ({"audience": "event"}, "Choose the event"),
        ({"audience": "committee"}, "Choose the committee"),
        ({"send_at_0": "31/31/2026", "send_at_1": "25:99"}, "Enter a valid date"),
        ({"default_language": "xx"}, "Select a valid choice"),
    ],
)
def test_bad_input_gets_a_clear_message_and_keeps_what_was_typed(
    client, staff_a, school_a, extra, message
):
    client.force_login(staff_a)
    data = form(school_a, _send_now="1", **extra)
    response = client.post(ADD, data)
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert not Announcement.objects.exists() and not Message.objects.exists()
    if extra.get("versions-0-title", None) != "":
        assert TEXTS["en"][0] in page


def test_hostile_text_is_shown_as_text(client, staff_a, school_a):
    hostile = '<script>alert(1)</script> "quotes" \u202e reversed'
    many_families(school_a, ["en"])
    client.force_login(staff_a)
    client.post(ADD, form(school_a, versions=[("en", hostile, hostile)], _send_now="1"))
    announcement = Announcement.objects.get()
    page = client.get(change_url(announcement)).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize("count", [3, 30])
def test_the_admin_list_costs_the_same_queries_for_3_or_30(
    client, staff_a, school_a, count, django_assert_max_num_queries
):
    for _ in range(count):
        make_announcement(school_a)
    client.force_login(staff_a)
    client.get("/admin/conversations/announcement/")
    with django_assert_max_num_queries(16):
        page = client.get("/admin/conversations/announcement/")
    assert page.content.decode().count('name="_selected_action"') == count


def test_staff_see_delivery_per_language_and_channel(client, staff_a, school_a):
    from conversations.announcements import services
    from tests.conftest import deliver_now

    many_families(school_a, ["en", "es", "es"])
    announcement = make_announcement(school_a)
    services.send(announcement)
    deliver_now()
    Message.objects.filter(language="en").update(status="failed")
    client.force_login(staff_a)
    page = client.get(change_url(announcement)).content.decode()
    assert (
        "<tr><td>Español</td><td>Text message (SMS)</td><td>2</td><td>0</td><td>0</td></tr>" in page
    )
    assert (
        "<tr><td>English</td><td>Text message (SMS)</td><td>0</td><td>1</td><td>0</td></tr>" in page
    )
    _ = Version  # the model the inline edits
