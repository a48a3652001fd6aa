from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from events import services
from events.access import can_manage, can_run_door
from events.calendar import calendar_for, offered_help
from events.forms import AnswerForm, DoorCodeForm, PartyForm, WalkInForm
from events.models import CalendarFeed, Event, Rsvp
from families.models import Family
from portal.languages import ENDONYMS, in_reader_language
from portal.page_cache import public_page


def _event_or_404(request, pk, events=Event.objects) -> Event:
    # The school gives the times their zone; the district is named only on a district
    # event's page, inside its cached part: read then, not joined on every visit (a joined
    # row and its columns cost CPU to build, bench/signed_cpu.py).
    event = get_object_or_404(events.select_related("school").with_places(), pk=pk)
    if event.status == Event.Status.DRAFT and not can_manage(request.user, event):
        raise Http404
    return event


def _family(request):
    if not request.user.is_authenticated:
        return None
    return Family.objects.active().filter(user=request.user).first()


@require_http_methods(["GET", "POST"])
@public_page(places="pk")
def detail(request, pk):
    """The event page, and the answer in two steps posted to it: "Will you come?" (a "no"
    is saved at once), then, for a "yes", who is coming and the help needed. The second
    step carries going=yes with it, so it stands on its own: nothing is kept between the
    steps, and a step two posted alone, twice, or after the event filled up is simply an
    answer under the usual rules (services.rsvp)."""
    # The page shows one language (English where a text is missing): only those columns.
    event = _event_or_404(request, pk, in_reader_language(Event.objects, "school"))
    family = _family(request)
    if family is None and request.method == "POST":
        return redirect(f"{reverse('account_login')}?next={event.get_absolute_url()}")
    current = Rsvp.objects.filter(event=event, family=family).first() if family else None
    answer_form = party_form = None
    status = 200
    if request.method == "POST" and event.is_open_for_rsvp:
        answer_form = AnswerForm(request.POST)
        if answer_form.is_valid():
            going = answer_form.cleaned_data["going"]
            if going and "adults" not in request.POST:
                return redirect(f"{event.get_absolute_url()}?step=2#answer")
            if going:
                party_form = PartyForm(request.POST)
                form = party_form
                party = _party(party_form.cleaned_data) if party_form.is_valid() else None
            else:
                # A "no" holds no party, whatever else was posted with it.
                form, party = answer_form, services.Party(going=False, adults=0, children=0)
            if party is not None:
                response, status = _save(request, event, family, party, form)
                if response is not None:
                    return response
    elif request.method == "GET" and family is not None and event.is_open_for_rsvp:
        step = request.GET.get("step")
        if step == "2":
            party_form = PartyForm(initial=PartyForm.initial_for(family, current))
        elif step == "1" or current is None:
            # Nothing is chosen for a first answer; a change starts from the family's own.
            was = {}
            if current is not None:
                was = {"going": "no" if current.status == Rsvp.Status.NOT_GOING else "yes"}
            answer_form = AnswerForm(initial=was)
    if party_form is not None:
        return render(
            request,
            "events/answer.html",
            {
                "event": event,
                "form": party_form,
                "current": current,
                "full": event.places_left == 0,
            },
            status=status,
        )
    language = translation.get_language()
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "school": event.school,
            "family": family,
            "form": answer_form,
            "current": current,
            "waiting_place": current.place_in_line() if current else None,
            "interpreters": [
                (code, ENDONYMS.get(code, code)) for code in event.interpreter_languages
            ],
            "interpreters_label": Event._meta.get_field("interpreter_languages").verbose_name,
            "other_help": offered_help(event, interpreters=False),
            # Read only when the event's part of the page is not in the cache.
            "partners": event.partners.all(),
            # Staff who run this event's door (partners that co-host it too) find it here.
            "runs_door": family is None and can_run_door(request.user, event),
            "preview": event.status == Event.Status.DRAFT,
            "title_missing": not event.has_translation(language, "title"),
            "description_missing": bool(event.description)
            and not event.has_translation(language, "description"),
            "map_query": ", ".join(p for p in (event.address or event.place,) if p),
        },
        status=status,
    )


def _party(data) -> services.Party:
    return services.Party(
        going=True,
        adults=data["adults"],
        children=data["children"],
        needs_interpreter=data["needs_interpreter"],
        interpreter_language=data["interpreter_language"],
        needs_childcare=data["needs_childcare"],
        other_needs=data["other_needs"],
    )


def _save(request, event, family, party, form):
    """The answer under the event's lock; a refusal comes back on the form, filled in."""
    try:
        answer = services.rsvp(family=family, event=event, party=party)
    except ValidationError as error:
        form.add_error(None, error)
        return None, 200
    except services.EventBusy:
        # The form stays filled in: one more tap sends it again.
        form.add_error(None, services.BUSY)
        return None, 503
    messages.success(request, _answer_message(answer))
    return redirect(event.get_absolute_url()), 200


def _answer_message(answer: Rsvp) -> str:
    if answer.status == Rsvp.Status.GOING:
        return _("Thank you. You are on the list.")
    if answer.status == Rsvp.Status.WAITLISTED:
        return _(
            "The event is full. You are on the waiting list; we will tell you if a place opens."
        )
    return _("Thank you for telling us. Your answer is: not coming.")


def event_ics(request, pk):
    event = _event_or_404(request, pk)
    body = calendar_for([event], lambda e: request.build_absolute_uri(e.get_absolute_url()))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


def feed(request, token):
    """A family's private calendar address: every event it answered "going" or waits for."""
    calendar_feed = get_object_or_404(
        CalendarFeed.objects.select_related("family"), token=token[:60]
    )
    events = (
        Event.objects.filter(
            rsvps__family=calendar_feed.family,
            rsvps__status__in=[Rsvp.Status.GOING, Rsvp.Status.WAITLISTED],
        )
        .exclude(status=Event.Status.DRAFT)
        .select_related("school")
        .order_by("starts_at")
    )
    body = calendar_for(events, lambda e: request.build_absolute_uri(e.get_absolute_url()))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@require_POST
@login_required
def new_feed(request):
    family = get_object_or_404(Family.objects.active(), user=request.user)
    replaced = CalendarFeed.objects.filter(family=family).delete()[0]
    CalendarFeed.objects.create(family=family)
    if replaced:
        messages.success(
            request, _("You have a new calendar address. The old one no longer works.")
        )
    else:
        messages.success(
            request, _("Your calendar address is ready. Add it to your phone's calendar app.")
        )
    return redirect(reverse("families:home") + "?calendar")


@require_http_methods(["GET", "POST"])
@login_required
def door(request, pk):
    """Check-in at the door, on a phone: search by name, a pass code, walk-ins, a count."""
    event = get_object_or_404(Event.objects.select_related("school", "district"), pk=pk)
    if not can_run_door(request.user, event):
        raise PermissionDenied
    code_form = DoorCodeForm(request.POST if request.POST.get("form") == "code" else None)
    walk_in_form = WalkInForm(
        request.POST if request.POST.get("form") == "walk_in" else None,
        initial={"language": translation.get_language(), "people": 1},
    )
    status = 200
    if request.method == "POST":
        try:
            response = _door_action(request, event, code_form, walk_in_form)
        except services.EventBusy:
            messages.error(request, services.BUSY)
            response, status = None, 503
        if response is not None:
            return response
    # PostgreSQL refuses a NUL byte in any text: a typed or pasted one would be a 500.
    query = request.GET.get("q", "")[:100].replace("\x00", "").strip()
    rows = Rsvp.objects.filter(event=event, status=Rsvp.Status.GOING).select_related("family")
    if query:
        rows = rows.filter(family__display_name__icontains=query)
    else:
        rows = rows.filter(arrived_at__isnull=True)
    return render(
        request,
        "events/door.html",
        {
            "event": event,
            "rows": list(rows.order_by("family__display_name")[:50]),
            "query": query,
            "count": services.door_count(event),
            "code_form": code_form,
            "walk_in_form": walk_in_form,
            "just_arrived": list(
                Rsvp.objects.filter(event=event, arrived_at__isnull=False)
                .select_related("family")
                .order_by("-arrived_at")[:5]
            ),
        },
        status=status,
    )


def _door_action(request, event, code_form, walk_in_form):
    """One of the door page's forms; a redirect when done, None to show the page again."""
    action = request.POST.get("form")
    back = f"{reverse('events:door', args=[event.pk])}?q={quote(request.POST.get('q', '')[:100])}"
    if action in ("arrived", "undo"):
        rsvp_id = request.POST.get("rsvp", "")
        row = get_object_or_404(
            Rsvp.objects.select_related("family"),
            pk=int(rsvp_id) if rsvp_id.isdecimal() else 0,
            event=event,
        )
        name = str(row.family)
        if action == "undo":
            services.undo_check_in(row)
            messages.success(request, _("%(name)s: check-in undone.") % {"name": name})
            return redirect(back)
        try:
            services.check_in(row, staff=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(name)s: arrived.") % {"name": name})
        return redirect(back)
    if action == "code" and code_form.is_valid():
        try:
            row = services.check_in_pass(
                event=event, code=code_form.cleaned_data["code"], staff=request.user
            )
        except ValidationError as error:
            code_form.add_error("code", error)
        else:
            messages.success(request, _("%(name)s: arrived.") % {"name": str(row.family)})
            return redirect("events:door", pk=event.pk)
    if action == "walk_in" and walk_in_form.is_valid():
        data = walk_in_form.cleaned_data
        services.add_walk_in(event=event, staff=request.user, **data)
        messages.success(request, _("%(name)s: arrived.") % {"name": data["name"]})
        return redirect("events:door", pk=event.pk)
    return None


@public_page(places=True)
def district_events(request, slug):
    from schools.models import District

    district = get_object_or_404(District, slug=slug)
    events = (
        Event.objects.published()
        .upcoming()
        .filter(Q(district=district))
        .select_related("school")
        .with_places()
        .order_by("starts_at")[:50]
    )
    return render(request, "events/list.html", {"district": district, "events": events})


def short_link(request, pk):
    return redirect("events:detail", pk=pk)
