"""Issue 15's journey, JavaScript off, at 390 px: a Haitian Creole parent writes to the
school; staff read the English machine translation in the admin and answer in English; the
parent reads the answer in Haitian Creole and asks for a call with an interpreter; staff see
the request. The translation provider is a local fake that speaks LibreTranslate's API
("[en] <text>" is its translation into English); no page asks it: the translation task,
started when a message is saved or read in a new language, runs between the steps, as a
worker would."""

import re

from playwright.sync_api import expect

from tests.conftest import PASSWORD, add_authenticator_app, totp
from tests.e2e.conftest import log_in_with_a_code, t

PARENT_PHONE = "+12125550177"
QUESTION = "Bonjou, ki lè reyinyon paran yo ap fèt?"
ANSWER = "The parents' meeting is on Thursday at 6 pm, in the library."


def run_translation_tasks():
    """The translation task on every message still owed a translation (its code, run here
    as the worker runs it; no worker in these journeys)."""
    from conversations.models import ThreadMessage
    from conversations.tasks import translate_messages

    owed = ThreadMessage.objects.exclude(translation_missing=[]).values_list("pk", flat=True)
    return translate_messages.run(list(owed))


def test_a_creole_parent_and_english_staff_talk_and_the_parent_asks_for_an_interpreter(
    phone, shots, school_a, staff_a, libretranslate
):
    from conversations.models import CallbackRequest, Thread
    from tests.families.conftest import make_family

    family = make_family("Manise (manman Jean)", school_a, phone=PARENT_PHONE, language="ht")
    parent = phone("ht", javascript=False)
    log_in_with_a_code(parent, "ht", PARENT_PHONE)
    parent.locator("main a[href='/ht/my/messages/']").first.click()
    parent.fill("#id_text", QUESTION)
    shots(parent, "parent-writes")
    parent.locator("main form:has(#id_text) button[type=submit]").click()
    expect(parent.locator(".messages")).to_contain_text(
        t("ht", "Your message was sent to the school.")
    )
    expect(parent.locator(".conversation")).to_contain_text(QUESTION)
    shots(parent, "parent-sent")
    thread = Thread.objects.get(family=family)
    assert not libretranslate.received  # the parent's page did not wait on the provider
    assert run_translation_tasks() == 1

    staff = phone("en", javascript=False)
    secret = add_authenticator_app(staff_a)
    staff.goto("/admin/")  # the staff login, then the second step; then the admin
    staff.fill("#id_login", staff_a.email)
    staff.fill("#id_password", PASSWORD)
    staff.locator("main form:has(#id_password) button[type=submit]").first.click()
    staff.fill("#id_code", totp(secret))
    staff.locator("main form:has(#id_code) button[type=submit]").first.click()
    staff.wait_for_url("**/admin/")
    staff.get_by_role("link", name="Conversations with new messages from families").click()
    shots(staff, "staff-inbox")
    staff.get_by_role("link", name="Manise (manman Jean)").click()
    expect(staff.locator(".conversation-admin")).to_contain_text(f"[en] {QUESTION}")
    expect(staff.locator(".conversation-admin")).to_contain_text("Haitian Creole")
    staff.fill("#id_answer", ANSWER)
    shots(staff, "staff-reads-the-translation")
    staff.locator("input[name=_save]").click()
    expect(staff.locator(".messagelist")).to_contain_text("Your answer was sent to the family.")
    shots(staff, "staff-answered")
    assert run_translation_tasks() == 1

    parent.goto(f"/ht/my/messages/{thread.pk}/")
    conversation = parent.locator(".conversation")
    expect(conversation).to_contain_text(f"[ht] {ANSWER}")
    expect(conversation).to_contain_text(t("ht", "Translated by machine."))
    shots(parent, "parent-reads-the-answer-ht")
    parent.get_by_role(
        "button", name=t("ht", "I don't understand — call me with an interpreter")
    ).click()
    expect(parent.locator(".messages")).to_contain_text(
        t("ht", "The school will call you with an interpreter in your language.")
    )
    shots(parent, "parent-asked-for-a-call")
    # The same conversation read in Arabic, right to left: at once, the original with "Not
    # translated yet"; the task started by that page translates it for the next load.
    parent.goto(f"/ar/my/messages/{thread.pk}/")
    expect(parent.locator("html")).to_have_attribute("dir", "rtl")
    expect(parent.locator(".conversation")).to_contain_text(ANSWER)
    expect(parent.locator(".conversation")).to_contain_text(
        t("ar", "Not translated yet. It is shown as it was written.")
    )
    shots(parent, "parent-reads-the-answer-ar-not-yet-translated")
    assert run_translation_tasks() == 1
    parent.reload()
    expect(parent.locator(".conversation")).to_contain_text(f"[ar] {ANSWER}")
    shots(parent, "parent-reads-the-answer-ar")

    staff.goto("/admin/")
    staff.get_by_role("link", name="Families waiting for a call with an interpreter").click()
    rows = staff.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Manise (manman Jean)")
    expect(rows.first).to_contain_text("Haitian Creole")
    shots(staff, "staff-see-the-call-to-make")
    assert CallbackRequest.objects.get().language == "ht"
    # Only the texts went to the provider, never who wrote them.
    assert not re.search(r"Manise|2125550177", libretranslate.sent())
