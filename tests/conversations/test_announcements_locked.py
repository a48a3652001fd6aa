"""Once an announcement is sent, or its sending has started, or it is scheduled and due,
its text and versions are what families received: the admin shows them read-only, and a
forged POST (or a page left open while it went out) changing them is refused with a clear
message in the staff member's language (issue 15, loose ends)."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from conversations.announcements import services
from conversations.announcements.models import Announcement, Version
from messaging.models import Message
from tests.conversations.conftest import TEXTS, make_announcement, many_families
from tests.conversations.test_announcements_admin import change_url, form

pytestmark = pytest.mark.django_db
REFUSED = (
    "This announcement has been sent, or is being sent: families received this text, so it "
    "can no longer be changed. To correct it, write a new announcement."
)


def sent(school):
    many_families(school, ["en", "es"])
    announcement = make_announcement(school, languages=("en", "es"))
    services.send(announcement)
    return announcement


def scheduled(school, minutes):
    announcement = make_announcement(school, languages=("en", "es"))
    announcement.send_at = timezone.now() + timedelta(minutes=minutes)
    announcement.save()
    services.schedule(announcement)
    return announcement


def editable(page) -> bool:
    return 'name="versions-0-body"' in page or 'name="versions-0-title"' in page


@pytest.mark.parametrize("state", ["sent", "scheduled and due"])
def test_a_sent_or_due_announcement_is_shown_read_only(client, staff_a, school_a, state):
    announcement = sent(school_a) if state == "sent" else scheduled(school_a, -1)
    client.force_login(staff_a)
    response = client.get(change_url(announcement))
    page = response.content.decode()
    assert response.status_code == 200
    assert TEXTS["es"][1] in page  # the text families received, shown
    assert not editable(page)
    assert 'name="default_language"' not in page and 'name="_save"' not in page
    assert 'name="_send_now"' not in page and 'name="_fill_missing"' not in page


def test_a_draft_and_an_announcement_scheduled_later_stay_editable(client, staff_a, school_a):
    client.force_login(staff_a)
    for announcement in (make_announcement(school_a), scheduled(school_a, 60)):
        page = client.get(change_url(announcement)).content.decode()
        assert editable(page) and 'name="_save"' in page


@pytest.mark.parametrize("state", ["sent", "scheduled and due"])
def test_a_forged_post_changing_a_sent_version_is_refused_in_the_staff_language(
    client, staff_a, school_a, state
):
    announcement = sent(school_a) if state == "sent" else scheduled(school_a, -1)
    versions = list(announcement.versions.order_by("language"))
    before = sorted(Version.objects.values_list("language", "title", "body"))
    messages_before = Message.objects.count()
    client.force_login(staff_a)
    client.cookies["django_language"] = "es"
    data = form(
        school_a,
        existing=versions,
        versions=[
            ("en", "Changed", "School is open after all."),
            ("es", "Cambiado", "La escuela abre."),
            ("ar", "تغيير", "المدرسة مفتوحة."),
        ],
        **{"versions-TOTAL_FORMS": 3, "default_language": "es"},
    )
    response = client.post(change_url(announcement), data, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(change_url(announcement), 302)]
    with translation.override("es"):
        refused = translation.gettext(REFUSED)
    assert refused != REFUSED  # Spanish, not the English source
    assert refused in response.content.decode()
    assert sorted(Version.objects.values_list("language", "title", "body")) == before
    announcement.refresh_from_db()
    assert announcement.default_language == "en"
    assert Message.objects.count() == messages_before


def test_a_forged_post_cannot_delete_a_sent_version_or_send_again(client, staff_a, school_a):
    announcement = sent(school_a)
    versions = list(announcement.versions.order_by("language"))
    client.force_login(staff_a)
    data = form(school_a, existing=versions, _send_now="1", **{"versions-0-DELETE": "on"})
    response = client.post(change_url(announcement), data, follow=True)
    assert REFUSED in response.content.decode()
    assert announcement.versions.count() == 2
    assert Message.objects.filter(kind="announcement").count() == 2


def test_another_schools_staff_still_get_nothing(client, staff_b, school_a):
    announcement = sent(school_a)
    client.force_login(staff_b)
    data = form(school_a, existing=list(announcement.versions.order_by("language")))
    response = client.post(change_url(announcement), data)
    assert REFUSED not in response.content.decode()
    assert response.status_code in (302, 404)
    assert Announcement.objects.get().versions.get(language="en").title == TEXTS["en"][0]


def test_a_scheduled_one_the_beat_could_not_send_is_staffs_to_fix(client, staff_a, school_a):
    # Scheduled, then a version marked for review again: the beat leaves it scheduled
    # (services.send_due) and staff must be able to approve it, an hour later too.
    announcement = scheduled(school_a, 60)
    Version.objects.filter(announcement=announcement, language="es").update(needs_review=True)
    Announcement.objects.filter(pk=announcement.pk).update(
        send_at=timezone.now() - timedelta(hours=1)
    )
    assert services.send_due() == 0
    client.force_login(staff_a)
    page = client.get(change_url(announcement)).content.decode()
    assert editable(page)
    versions = list(announcement.versions.order_by("language"))
    data = form(school_a, existing=versions)
    del data["versions-1-needs_review"]  # the Spanish version, approved by a person
    response = client.post(change_url(announcement), data)
    assert response.status_code == 302
    assert not Version.objects.filter(needs_review=True).exists()  # approved by the save


def test_a_sent_announcement_is_not_deleted_from_its_page_or_the_list(client, staff_a, school_a):
    announcement = sent(school_a)
    draft = make_announcement(school_a)
    client.force_login(staff_a)
    delete_url = change_url(announcement).replace("/change/", "/delete/")
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    # From the list: the confirmation page names it as kept (not an error page).
    response = client.post(
        "/admin/conversations/announcement/",
        {"action": "delete_selected", "_selected_action": [announcement.pk], "post": "yes"},
    )
    assert response.status_code == 200 and "Cannot delete" in response.content.decode()
    assert Announcement.objects.filter(pk=announcement.pk).exists()
    assert Message.objects.filter(kind="announcement").count() == 2
    # A draft is still the school's to delete.
    client.post(change_url(draft).replace("/change/", "/delete/"), {"post": "yes"})
    assert not Announcement.objects.filter(pk=draft.pk).exists()
