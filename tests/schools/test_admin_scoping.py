"""RELIABILITY C1: staff of school A never see or change school B's objects in the admin."""

from datetime import date

import pytest
from django.contrib import admin
from django.urls import reverse

from committees.models import Committee, SeatApplication
from conversations.models import Announcement, CallbackRequest, Thread, ThreadMessage, Version
from events.models import Event, Rsvp, WalkIn
from families.models import Family, FamilyPass, Feedback, Membership, PassCheck
from families.services import register_family
from schools.access import ScopedAdmin
from schools.models import District, Guide, GuideSection, Partner, School
from signups import services
from signups.models import Booking, ConferenceDay, Interpreter
from signups.volunteering.models import Opportunity, Shift, VolunteerSignup
from tests.conftest import PASSWORD, make_guide
from tests.events.conftest import make_event
from tests.signups.conftest import make_day, make_opportunity

# A hyphen: random CSRF tokens on the page are letters and digits, so never match it.
SENTINEL = "ZZ-B"


def objects_for(school, prefix):
    guide = make_guide(school, title=f"{prefix} guide", slug=f"{prefix.lower()}-guide")
    GuideSection.objects.filter(guide=guide).update(
        title=f"{prefix} section", title_en=f"{prefix} section"
    )
    partner = Partner.objects.create(name=f"{prefix} partner")
    partner.schools.add(school)
    family = register_family(
        user=None, display_name=f"{prefix} family", language="es", channel="none"
    )
    Membership.objects.create(family=family, school=school, status="confirmed")
    family_pass = family.current_pass()
    check = PassCheck.objects.create(family_pass=family_pass, school=school, result="valid")
    feedback = Feedback.objects.create(
        school=school, family=family, kind="story", text=f"{prefix} story", language="es"
    )
    event = make_event(school, title=f"{prefix} event", capacity=10)
    event_rsvp = Rsvp.objects.create(
        event=event, family=family, status="going", other_needs=f"{prefix} needs"
    )
    walk_in = WalkIn.objects.create(event=event, name=f"{prefix} walk-in", language="es")
    committee = Committee.objects.create(
        school=school,
        district=school.district,
        kind="welcoming",
        name=f"{prefix} committee",
        name_en=f"{prefix} committee",
        description="x",
        description_en="x",
        status="published",
    )
    application = SeatApplication.objects.create(
        committee=committee, family=family, statement=f"{prefix} statement", language="es"
    )
    thread = Thread.objects.create(family=family, school=school)
    ThreadMessage.objects.create(thread=thread, text=f"{prefix} message", language="es")
    callback = CallbackRequest.objects.create(
        family=family, school=school, thread=thread, language="es", note=f"{prefix} call"
    )
    announcement = Announcement.objects.create(school=school, district=school.district)
    Version.objects.create(
        announcement=announcement, language="en", title=f"{prefix} announcement", body="x"
    )
    day = make_day(school, interpreters=[("es",)])
    conference = services.book(
        family=family,
        slot_id=day.slots.order_by("pk").first().pk,
        request=services.Request(child_name=f"{prefix} child", interpreter_language="es"),
    )
    opportunity = make_opportunity(school, title=f"{prefix} opportunity")
    shift = opportunity.shifts.get()
    signup = VolunteerSignup.objects.create(
        shift=shift, family=family, status="going", note=f"{prefix} note"
    )
    return {
        Thread: thread,
        CallbackRequest: callback,
        Announcement: announcement,
        ConferenceDay: day,
        Interpreter: conference.interpreter,
        Booking: conference,
        Opportunity: opportunity,
        Shift: shift,
        VolunteerSignup: signup,
        Event: event,
        Rsvp: event_rsvp,
        WalkIn: walk_in,
        Committee: committee,
        SeatApplication: application,
        District: school.district,
        School: school,
        Guide: guide,
        GuideSection: guide.sections.first(),
        Partner: partner,
        Family: family,
        Membership: family.memberships.get(),
        FamilyPass: family_pass,
        PassCheck: check,
        Feedback: feedback,
    }


@pytest.fixture
def world(school_a, school_b, staff_a):
    return {"a": objects_for(school_a, "Own"), "b": objects_for(school_b, SENTINEL)}


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


SCOPED_MODELS = [m for m, a in admin.site._registry.items() if isinstance(a, ScopedAdmin)]


def test_every_school_owned_model_in_the_admin_is_scoped():
    """Guard: a model that belongs to a school must be registered with ScopedAdmin."""

    def belongs_to_a_school(model, depth=0):
        if model in (School, District):
            return True
        if depth > 3:
            return False
        return any(
            field.many_to_one and belongs_to_a_school(field.related_model, depth + 1)
            for field in model._meta.get_fields()
        )

    for model, model_admin in admin.site._registry.items():
        if belongs_to_a_school(model):
            assert isinstance(model_admin, ScopedAdmin), f"{model.__name__} admin is not scoped"
            assert model_admin.school_path is not None or model_admin.district_path is not None
    assert {District, School, Guide, GuideSection, Family, Feedback, Partner} <= set(SCOPED_MODELS)


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_other_schools_object_pages_are_404(client, world, staff_a, model, view, rf):
    client.force_login(staff_a)
    response = client.get(admin_url(model, view, world["b"][model].pk))
    request = rf.get("/admin/")
    request.user = staff_a
    action = {"change": "view", "history": "view", "delete": "delete"}[view]
    if admin.site._registry[model]._allowed(request, action):
        assert response.status_code == 404
    else:
        # What this role may never do (school staff deleting a school, opening districts)
        # is refused outright, whichever object is asked for: that tells nothing about B.
        assert response.status_code in (403, 404)


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m.__name__)
def test_changelist_never_shows_other_schools_rows(client, world, staff_a, model):
    client.force_login(staff_a)
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code in (200, 403)
    assert SENTINEL not in response.content.decode()
    # A search whose words match B's rows too ("guide", "section", "school", "district").
    for word in ("guide", "section", "school", "district"):
        response = client.get(admin_url(model, "changelist"), {"q": word})
        assert SENTINEL not in response.content.decode()


@pytest.mark.parametrize("model", [Guide, GuideSection], ids=lambda m: m.__name__)
def test_own_objects_are_editable(client, world, staff_a, model):
    client.force_login(staff_a)
    assert client.get(admin_url(model, "change", world["a"][model].pk)).status_code == 200
    assert client.get(admin_url(model, "changelist")).status_code == 200


def test_add_forms_offer_only_own_school_and_refuse_another(client, world, staff_a):
    client.force_login(staff_a)
    page = client.get(admin_url(Guide, "add")).content.decode()
    assert "School A" in page and SENTINEL not in page
    response = client.post(
        admin_url(Guide, "add"),
        {
            "school": world["b"][School].pk,
            "title_en": "Sneaky",
            "slug": "sneaky",
            "status": "draft",
            "order": 0,
            "sections-TOTAL_FORMS": 0,
            "sections-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Guide.objects.filter(slug="sneaky").exists()


def test_section_add_form_lists_only_own_guides(client, world, staff_a):
    client.force_login(staff_a)
    response = client.post(
        admin_url(GuideSection, "add"),
        {
            "guide": world["b"][Guide].pk,
            "title_en": "Sneaky",
            "body_en": "x",
            "status": "published",
            "order": 0,
            "audio-TOTAL_FORMS": 0,
            "audio-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not GuideSection.objects.filter(title_en="Sneaky").exists()


def test_autocomplete_never_returns_other_schools_guides(client, world, staff_a):
    client.force_login(staff_a)
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "schools", "model_name": "guidesection", "field_name": "guide", "term": ""},
    )
    assert response.status_code == 200
    assert "Own guide" in response.content.decode()
    assert SENTINEL not in response.content.decode()


@pytest.mark.parametrize("model", [Guide, GuideSection], ids=lambda m: m.__name__)
def test_posting_changes_or_deletes_to_another_school_is_404_and_changes_nothing(
    client, world, staff_a, model
):
    client.force_login(staff_a)
    target = world["b"][model]
    before = model.objects.filter(pk=target.pk).values().get()
    assert (
        client.post(admin_url(model, "change", target.pk), {"title_en": "hacked"}).status_code
        == 404
    )
    assert client.post(admin_url(model, "delete", target.pk), {"post": "yes"}).status_code == 404
    assert model.objects.filter(pk=target.pk).values().get() == before


@pytest.mark.parametrize("model", [Guide, GuideSection], ids=lambda m: m.__name__)
def test_bulk_delete_action_skips_other_schools_rows(client, world, staff_a, model):
    client.force_login(staff_a)
    target = world["b"][model]
    client.post(
        admin_url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [target.pk], "post": "yes"},
    )
    assert model.objects.filter(pk=target.pk).exists()


def test_school_staff_cannot_add_or_delete_schools_or_touch_districts(client, world, staff_a):
    client.force_login(staff_a)
    assert client.get(admin_url(School, "add")).status_code == 403
    assert client.get(admin_url(School, "delete", world["a"][School].pk)).status_code == 403
    assert client.get(admin_url(District, "changelist")).status_code == 403
    assert client.get(admin_url(School, "change", world["a"][School].pk)).status_code == 200


def test_district_staff_see_their_districts_schools_only(client, world, district_staff_a):
    client.force_login(district_staff_a)
    page = client.get(admin_url(School, "changelist")).content.decode()
    assert "School A" in page and SENTINEL not in page
    assert client.get(admin_url(Guide, "change", world["a"][Guide].pk)).status_code == 200
    assert client.get(admin_url(Guide, "change", world["b"][Guide].pk)).status_code == 404


def test_unscoped_admins_are_closed_to_school_staff(client, world, staff_a):
    client.force_login(staff_a)
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, ScopedAdmin):
            continue
        assert client.get(admin_url(model, "changelist")).status_code == 403, model.__name__
    index = client.get("/admin/").content.decode()
    assert "/admin/accounts/user/" not in index
    assert "/admin/schools/guide/" in index


def test_superuser_sees_every_school(client, world, superuser):
    client.force_login(superuser)
    page = client.get(admin_url(School, "changelist")).content.decode()
    assert "School A" in page and SENTINEL in page


def test_staff_login_goes_through_allauth(client, staff_a):
    response = client.get("/admin/", follow=True)
    # The staff login page: allauth's login, with the password field shown at once.
    assert response.redirect_chain[-1][0] == "/en/accounts/login/staff/?next=/admin/"
    response = client.post(
        "/en/accounts/login/staff/", {"login": staff_a.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    # Logged in; the second step comes before the admin (RELIABILITY B10, test_staff_mfa.py).
    assert client.get("/admin/")["Location"] == "/en/accounts/2fa/totp/activate/"


# RELIABILITY C3, C5: district staff see numbers, never a family's name or what it wrote.
# Sentinels only in personal fields (names, needs, statements, stories, walk-in names); the
# school's own content (event titles, committees) is theirs to see.
PERSONAL = "ZZ-N"


@pytest.fixture
def personal_world(world, school_a):
    from messaging.models import Message

    own = world["a"]
    Family.objects.filter(pk=own[Family].pk).update(display_name=f"Name {PERSONAL}1")
    Rsvp.objects.filter(pk=own[Rsvp].pk).update(other_needs=f"Needs {PERSONAL}2")
    SeatApplication.objects.filter(pk=own[SeatApplication].pk).update(
        statement=f"Statement {PERSONAL}3"
    )
    WalkIn.objects.filter(pk=own[WalkIn].pk).update(name=f"Walk-in {PERSONAL}4")
    Feedback.objects.filter(pk=own[Feedback].pk).update(text=f"Story {PERSONAL}5")
    seat = own[Committee].seats.create(
        label="Seat 1", term_start=date(2026, 9, 1), term_end=date(2027, 6, 30), holder=own[Family]
    )
    Message.objects.create(
        recipient=f"family:{own[Family].pk}",
        channel="sms",
        language="es",
        kind="reminder",
        context={"event": own[Event].pk},
        idempotency_key="reminder:personal-world",
    )
    return {**own, "seat": seat}


def district_pages(objects):
    event = objects[Event]
    pages = [
        ("/admin/", (200,)),
        (f"/admin/events/event/{event.pk}/change/", (200,)),
        (f"/admin/events/event/{event.pk}/rsvps.csv", (403,)),
        (f"/admin/events/event/{event.pk}/messages/", (403,)),
        (f"/en/events/{event.pk}/door/?q={PERSONAL}", (403,)),
        (f"/admin/committees/committee/{objects[Committee].pk}/change/", (200,)),
    ]
    for model in SCOPED_MODELS:
        pages.append((admin_url(model, "changelist"), (200, 403)))
        for view in ("change", "delete", "history"):
            pages.append((admin_url(model, view, objects[model].pk), (200, 403)))
    return pages


def test_district_staff_see_no_family_names_or_needs_anywhere(
    client, personal_world, district_staff_a
):
    client.force_login(district_staff_a)
    for url, statuses in district_pages(personal_world):
        response = client.get(url)
        assert response.status_code in statuses, url
        assert PERSONAL not in response.content.decode(), url
    # The answers themselves: no list, no page, no link from the admin's front page.
    rsvp = personal_world[Rsvp]
    assert client.get(admin_url(Rsvp, "changelist")).status_code == 403
    assert client.get(admin_url(Rsvp, "change", rsvp.pk)).status_code == 403
    assert admin_url(Rsvp, "changelist") not in client.get("/admin/").content.decode()
    event_page = client.get(admin_url(Event, "change", personal_world[Event].pk)).content.decode()
    assert 'id="rsvps-group"' not in event_page
    assert "People going" in event_page  # the figures stay


def test_school_staff_still_see_their_own_families(client, personal_world, staff_a):
    client.force_login(staff_a)
    event = personal_world[Event]
    assert f"Needs {PERSONAL}2" in client.get(admin_url(Event, "change", event.pk)).content.decode()
    csv = client.get(f"/admin/events/event/{event.pk}/rsvps.csv").content.decode()
    assert f"Name {PERSONAL}1" in csv and f"Needs {PERSONAL}2" in csv
    assert f"Name {PERSONAL}1" in client.get(admin_url(Rsvp, "changelist")).content.decode()
    assert (
        f"{PERSONAL}3"
        in client.get(
            admin_url(SeatApplication, "change", personal_world[SeatApplication].pk)
        ).content.decode()
    )


def test_a_district_role_adds_no_names_to_a_school_role(
    client, personal_world, world, school_b, district_a
):
    """Staff of school B who also hold a district A role see B's families, never A's."""
    from tests.conftest import make_staff

    both = make_staff("both@example.org", school=school_b, district=district_a)
    client.force_login(both)
    rsvps = client.get(admin_url(Rsvp, "changelist")).content.decode()
    assert "ZZ-B family" in rsvps and PERSONAL not in rsvps
    for url, _statuses in district_pages(personal_world):
        assert PERSONAL not in client.get(url).content.decode(), url


def test_a_persons_page_lists_their_staff_roles(client, superuser, staff_a, school_a):
    # The roles live in schools, the person in accounts: schools.admin puts them together.
    client.force_login(superuser)
    page = client.get(f"/admin/accounts/user/{staff_a.pk}/change/").content.decode()
    assert 'name="staff_roles-TOTAL_FORMS" value="1"' in page
    assert f'<option value="{school_a.pk}" selected>{school_a.name}</option>' in page
