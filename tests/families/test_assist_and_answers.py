"""Assisted registration by school and partner staff; staff answers; retention."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.models import User
from conversations import services as conversation_services
from families.models import Family, Feedback, Membership
from families.services import answer_feedback, export_family, send_feedback
from families.tasks import apply_retention
from messaging import sms
from messaging.segments import without_accents
from tests.conftest import deliver_now
from tests.families.conftest import last_code, make_family

pytestmark = pytest.mark.django_db


def assist_form(school, **extra):
    data = {
        "display_name": "Fatima",
        "language": "ar",
        "channel": "none",
        "school": school.pk,
        "consent": "on",
    }
    data.update(extra)
    return data


def test_partner_registers_a_family_without_a_phone_and_gets_a_printable_pass(
    client, partner_staff_a, partner_a, school_a
):
    client.force_login(partner_staff_a)
    response = client.post("/en/assist/", assist_form(school_a))
    assert response.status_code == 302
    family = Family.objects.get(display_name="Fatima")
    assert family.user is None and family.consent_at and family.registered_by_partner == partner_a
    assert family.memberships.get().status == Membership.Status.CONFIRMED
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page and family.current_pass().short_code in page


def test_assisted_family_with_a_phone_is_told_and_can_log_in_with_a_code(
    client, partner_staff_a, school_a
):
    from django.test import Client

    client.force_login(partner_staff_a)
    client.post(
        "/en/assist/", assist_form(school_a, phone="212 555 0177", channel="sms", language="es")
    )
    deliver_now()
    user = User.objects.get(phone="+12125550177")
    assert not user.has_usable_password() and user.phone_verified
    assert sms.outbox[-1]["to"] == "+12125550177"
    parent = Client()
    response = parent.post("/es/accounts/login/code/", {"phone": "2125550177"})
    response = parent.post(response["Location"], {"code": last_code("+12125550177")})
    assert parent.get("/es/my/pass/").status_code == 200


def test_consent_is_required(client, partner_staff_a, school_a):
    client.force_login(partner_staff_a)
    data = assist_form(school_a)
    del data["consent"]
    response = client.post("/en/assist/", data)
    assert response.status_code == 200
    assert not Family.objects.exists()


def test_partner_can_only_register_for_its_schools_and_see_its_families(
    client, partner_staff_a, school_b, school_a, staff_a
):
    client.force_login(partner_staff_a)
    response = client.post("/en/assist/", assist_form(school_b))
    page = response.content.decode()
    assert response.status_code == 200 and "Choose the school from the list." in page
    # A family registered by school staff is not the partner's to see.
    client.force_login(staff_a)
    client.post("/en/assist/", assist_form(school_a, display_name="ZZQ School-registered"))
    other = Family.objects.get(display_name="ZZQ School-registered")
    client.force_login(partner_staff_a)
    assert client.get(f"/en/assist/{other.pk}/").status_code == 404
    assert "ZZQ School" not in client.get("/en/assist/").content.decode()


def test_people_without_a_role_cannot_register_families(client, school_a):
    family = make_family("Parent", school_a, phone="+12125550123")
    client.force_login(family.user)
    assert client.get("/en/assist/").status_code == 403


def test_school_staff_answer_reaches_the_family_by_sms_in_its_language(client, school_a, staff_a):
    # A named message joins the family's conversation with the school (conversations), where
    # staff answer it; the answer goes out in the family's language's words.
    family = make_family("Rina", school_a, phone="+12125550123", language="es")
    message = send_feedback(
        school=school_a, family=family, kind="question", text="¿Hay bus?", anonymous=False
    )
    assert not Feedback.objects.exists()
    assert (message.text, message.kind, message.language) == ("¿Hay bus?", "question", "en")
    client.force_login(staff_a)
    response = client.post(
        f"/admin/conversations/thread/{message.thread_id}/change/", {"answer": "Sí, a las 7:30."}
    )
    assert response.status_code == 302
    deliver_now()
    assert sms.outbox[-1]["to"] == "+12125550123"
    assert "Sí, a las 7:30." in sms.outbox[-1]["text"]
    assert school_a.name in sms.outbox[-1]["text"]
    assert message.thread.messages.get(from_family=False).author == staff_a


def test_an_anonymous_message_cannot_be_answered_and_staff_are_told(client, school_a, staff_a):
    from messaging.models import Message

    client.force_login(staff_a)

    def answer(feedback, text):
        response = client.post(
            f"/admin/families/feedback/{feedback.pk}/change/", {"answer": text}, follow=True
        )
        deliver_now()
        return response.content.decode()

    # A family that gave its name is answered in its conversation: one message, one text.
    family = make_family("Rina", school_a, phone="+12125550123")
    named = send_feedback(school=school_a, family=family, kind="story", text="Hi", anonymous=False)
    response = client.post(
        f"/admin/conversations/thread/{named.thread_id}/change/",
        {"answer": "Thank you, Rina"},
        follow=True,
    )
    deliver_now()
    assert "Your answer was sent to the family." in response.content.decode()
    assert Message.objects.count() == 1
    assert [m["to"] for m in sms.outbox] == ["+12125550123"]
    # A story sent without a name, by a family with a phone: the answer is kept, staff are
    # told it reaches nobody, and nothing is sent (the school must not learn who wrote it).
    writer = make_family("Omar", school_a, phone="+12125550124")
    anonymous = send_feedback(
        school=school_a, family=writer, kind="story", text="Story", anonymous=True
    )
    page = answer(anonymous, "Thanks")
    assert Message.objects.count() == 1
    assert [m["to"] for m in sms.outbox] == ["+12125550123"]
    assert "so it cannot get the answer" in page
    assert "Your answer was sent" not in page
    anonymous.refresh_from_db()
    assert (anonymous.answer, anonymous.answered_by) == ("Thanks", staff_a)
    assert answer_feedback(anonymous, answer="Thanks", by=staff_a) is False


def test_staff_confirm_a_join_request(client, school_a, staff_a):
    family = make_family("Rina", school_a, phone="+12125550123", confirmed=False)
    membership = family.memberships.get()
    client.force_login(staff_a)
    client.post(
        "/admin/families/membership/",
        {"action": "confirm", "_selected_action": [membership.pk]},
    )
    membership.refresh_from_db()
    assert membership.status == Membership.Status.CONFIRMED


def test_inactive_families_are_warned_twice_then_anonymised(school_a, settings):
    settings.FAMILY_RETENTION_DAYS = 548
    family = make_family("ZZR Old", school_a, phone="+12125550123")
    active = make_family("Active", school_a, phone="+12125550124")
    start = timezone.now()
    with time_machine.travel(start + timedelta(days=548 - 29)):
        Family.objects.filter(pk=active.pk).update(last_active_at=timezone.now())
        assert apply_retention()["first_warning"] == 1
        assert apply_retention()["first_warning"] == 0  # once only
        deliver_now()
    assert [m["to"] for m in sms.outbox] == ["+12125550123"]
    with time_machine.travel(start + timedelta(days=548 - 6)):
        assert apply_retention()["second_warning"] == 1
    with time_machine.travel(start + timedelta(days=549)):
        assert apply_retention()["anonymised"] == 1
    family.refresh_from_db()
    assert family.erased_at and family.display_name == "" and family.user is None
    assert Family.objects.get(pk=active.pk).erased_at is None


def test_logging_in_resets_the_retention_clock(client, school_a):
    family = make_family("Rina", school_a, phone="+12125550123")
    Family.objects.filter(pk=family.pk).update(
        last_active_at=timezone.now() - timedelta(days=500), retention_warnings=1
    )
    client.force_login(family.user)
    family.refresh_from_db()
    assert family.retention_warnings == 0
    assert timezone.now() - family.last_active_at < timedelta(minutes=1)


def test_the_pass_printed_at_assisted_registration_is_in_the_familys_language(
    client, partner_staff_a, school_a
):
    """An Uzbek family's pass came out in English, the partner's language."""
    school_a.name_uz = "A maktabi"
    school_a.save()
    client.force_login(partner_staff_a)
    response = client.post(
        "/en/assist/", assist_form(school_a, display_name="Dilnoza", language="uz")
    )
    page = client.get(response["Location"]).content.decode()
    card = page[page.index('class="pass-card"') : page.index("</div>", page.index("pass-code"))]
    assert 'lang="uz" dir="ltr"' in card
    assert "Oila ruxsatnomasi" in card and "Family pass" not in card  # "Family pass"
    assert "Ruxsatnomaning QR kodi" in card  # what a screen reader says of the code
    assert "A maktabi" in card and "School A" not in card
    # Around the card, the page stays in the partner's language.
    assert "Register another family" in page


def test_an_arabic_familys_printed_pass_reads_right_to_left(client, partner_staff_a, school_a):
    client.force_login(partner_staff_a)
    response = client.post("/en/assist/", assist_form(school_a, language="ar"))
    page = client.get(response["Location"]).content.decode()
    assert 'class="pass-card" lang="ar" dir="rtl"' in page
    assert '<html lang="en" dir="ltr"' in page  # the page around it: the partner's


def test_a_chinese_familys_answer_names_the_school_in_chinese(client, school_a, staff_a):
    """The staff member answers in an English admin; the family reads its school's name as
    the school wrote it in the family's language."""
    school_a.name_zh_hant = "甲小學"
    school_a.save()
    family = make_family("王太太", school_a, phone="+12125550125", language="zh-hant")
    message = send_feedback(
        school=school_a, family=family, kind="question", text="有校車嗎？", anonymous=False
    )
    client.force_login(staff_a)
    client.post(
        f"/admin/conversations/thread/{message.thread_id}/change/", {"answer": "有，早上7:30。"}
    )
    deliver_now()
    text = sms.outbox[-1]["text"]
    assert text == "甲小學回覆：有，早上7:30。"
    assert "School A" not in text


def test_a_school_without_a_chinese_name_is_named_in_english(school_a, staff_a):
    family = make_family("王太太", school_a, phone="+12125550125", language="zh-hant")
    message = send_feedback(
        school=school_a, family=family, kind="question", text="有校車嗎？", anonymous=False
    )
    conversation_services.answer(message.thread, text="有。", by=staff_a, language="en")
    deliver_now()
    assert sms.outbox[-1]["text"].startswith("School A回覆：")


def test_the_welcome_by_email_asks_for_the_email_address_not_a_number(
    client, partner_staff_a, school_a, mailoutbox
):
    school_a.name_es = "Escuela A"
    school_a.save()
    client.force_login(partner_staff_a)
    client.post(
        "/en/assist/",
        assist_form(school_a, email="ana@example.org", channel="email", language="es"),
    )
    client.post(
        "/en/assist/",
        assist_form(
            school_a, display_name="Luis", phone="212 555 0178", channel="sms", language="es"
        ),
    )
    deliver_now()
    (mail,) = mailoutbox
    assert mail.body.startswith("¡Bienvenidos! Su escuela: Escuela A.")
    assert "escriba esta dirección de correo electrónico" in mail.body
    assert "número" not in mail.body and "número" not in mail.alternatives[0][0]
    # A text too long for two segments with the accents GSM lacks is sent without them.
    text = without_accents(sms.outbox[-1]["text"])
    assert text.startswith("¡Bienvenidos! Para ver su pase familiar") and "este numero" in text
    assert text.endswith("Su escuela: Escuela A.")
    # The family's copy of its information shows the words it was sent.
    (sent,) = export_family(Family.objects.get(display_name="Fatima"))["messages_from_the_portal"]
    assert sent["text"] == mail.body


@pytest.mark.parametrize(
    ("language", "days", "words"),
    [
        ("ar", 7, "بعد 7 أيام."),  # 3 to 10: plural
        ("ar", 30, "بعد 30 يومًا."),  # 11 to 99: singular accusative
        ("ar", 2, "بعد يومين."),  # the dual
        ("ru", 7, "Через 7 дней"),
        ("ru", 2, "Через 2 дня"),
        ("uk", 2, "Через 2 дні"),
        ("sq", 1, "Pas 1 dite"),
        ("es", 1, "En 1 día "),
        ("es", 30, "En 30 días "),
    ],
)
def test_the_retention_warning_counts_days_in_the_languages_plural_form(
    school_a, language, days, words
):
    from families.tasks import _warn

    family = make_family("Rina", school_a, phone="+12125550123", language=language)
    _warn(family, days)
    deliver_now()
    # Compared without accents: a text that fits two segments only without them goes so.
    assert without_accents(words) in without_accents(sms.outbox[-1]["text"])
