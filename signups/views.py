"""The conference pages: a school's conference days, and booking a time with one host.

No JavaScript: the interpreter's language is chosen first with a plain GET form (the times
offered depend on it), then the time and the rest are posted. A refusal (the time was
just taken, no interpreter left) shows the same form again with what was typed and the
message on top (the GOV.UK error summary in base.html)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from families.models import Family, Membership
from families.views import family_required
from portal.languages import ENDONYMS
from schools.models import School
from signups import services
from signups.calendar import booking_calendar
from signups.forms import BookingForm, InterpreterChoiceForm, OfferForm
from signups.models import Booking, ConferenceDay, Interpreter


def _family(request):
    if not request.user.is_authenticated:
        return None
    return Family.objects.active().filter(user=request.user).first()


def _may_book(family, school) -> bool:
    """A family that asked to join the school (and was not turned down) may book."""
    return (
        family is not None
        and Membership.objects.filter(family=family, school=school)
        .exclude(status=Membership.Status.DECLINED)
        .exists()
    )


def _pk(value) -> int | None:
    value = (value or "")[:12]
    # ASCII digits only: "²" or "①" are digits to isdigit() but not to int().
    return int(value) if value.isascii() and value.isdigit() else None


@require_http_methods(["GET", "POST"])
def conferences(request, slug):
    school = get_object_or_404(School.objects.active(), slug=slug)
    days = list(
        ConferenceDay.objects.published()
        .upcoming()
        .filter(school=school)
        .prefetch_related("hosts", "availabilities__interpreter")
    )
    for day in days:
        day.school = school
        hours = [
            (a.interpreter_id, a.interpreter.languages, a.starts, a.ends)
            for a in day.availabilities.all()
            if a.interpreter.approved
        ]
        day.languages = services.languages_offered(hours)
        day.language_names = [(code, ENDONYMS.get(code, code)) for code in day.languages]
    family = _family(request)
    may_book = _may_book(family, school)
    mine = []
    if family is not None:
        mine = list(
            Booking.objects.filter(family=family, slot__day__in=[d.pk for d in days])
            .select_related("slot", "host", "interpreter")
            .order_by("starts_at")
        )
        by_day = {d.pk: d for d in days}
        for booking in mine:
            booking.slot.day = by_day[booking.slot.day_id]
    source = request.POST if request.method == "POST" else request.GET
    host_id = _pk(source.get("host"))
    host = None
    if host_id is not None:
        host = next((h for d in days for h in d.hosts.all() if h.pk == host_id), None)
    context = {
        "school": school,
        "days": days,
        "family": family,
        "may_book": may_book,
        "mine": mine,
        "host": host,
    }
    if host is None or not may_book or not host.day.is_open:
        if request.method == "POST":
            if family is None:
                return redirect(f"{reverse('account_login')}?next={request.path}")
            messages.error(request, str(services.CLOSED) if host else _("Choose a teacher first."))
            return redirect(request.path)
        return render(request, "signups/conferences.html", context)
    return _booking_page(request, context, family, host)


def _booking_page(request, context, family, host):
    day = next(d for d in context["days"] if d.pk == host.day_id)
    host.day = day
    languages = day.languages
    current = next((b for b in context["mine"] if b.host_id == host.pk), None)
    if request.method == "POST":
        language = request.POST.get("interpreter_language", "")[:10]
    else:
        default = ""
        if current is not None:
            default = current.interpreter_language
        elif family.wants_interpreter:
            default = family.interpreter_language
        language = request.GET.get("interpreter", default)[:10]
    if language not in languages:
        language = ""
    slots = services.offered_slots(host, language, family)
    choices = [(s.pk, services.time_range(s)) for s in slots]
    form_kwargs = {
        "slots": choices,
        "languages": languages,
        "by_phone_offered": day.by_phone,
    }
    status = 200
    if request.method == "POST":
        form = BookingForm(request.POST, **form_kwargs)
        if form.is_valid():
            data = form.cleaned_data
            wanted = services.Request(
                child_name=data["child_name"],
                child_class=data["child_class"],
                by_phone=data.get("by_phone", False),
                phone=data.get("phone") or "",
                interpreter_language=language,
            )
            try:
                booking = services.book(family=family, slot_id=data["slot"], request=wanted)
            except ValidationError as refusal:
                form.add_error(None, refusal)
                status = 409
            else:
                messages.success(request, _("Booked. We will remind you the day before."))
                return redirect(f"{request.path}#booking-{booking.pk}")
        else:
            status = 400
    else:
        initial = {"interpreter_language": language}
        if current is not None:
            initial.update(
                slot=current.slot_id,
                child_name=current.child_name,
                child_class=current.child_class,
                by_phone=current.by_phone,
                phone=current.phone,
            )
        elif family.phone:
            initial["phone"] = family.phone
        form = BookingForm(initial=initial, **form_kwargs)
    context.update(
        day=day,
        form=form,
        current=current,
        language=language,
        language_name=ENDONYMS.get(language, ""),
        language_form=InterpreterChoiceForm(initial={"interpreter": language}, languages=languages),
        no_times=not slots,
    )
    return render(request, "signups/book.html", context, status=status)


@require_POST
@family_required
def cancel(request, slug, pk):
    booking = Booking.objects.filter(
        pk=pk, family=request.family, slot__day__school__slug=slug
    ).first()
    if booking is not None:
        try:
            services.cancel(family=request.family, booking_id=booking.pk)
        except ValidationError as refusal:
            messages.error(request, refusal.messages[0])
        else:
            messages.success(request, _("Cancelled. The time is free for another family."))
    return redirect("signups:conferences", slug=slug)


@family_required
def booking_ics(request, pk):
    booking = (
        Booking.objects.filter(pk=pk, family=request.family)
        .select_related("slot__day__school", "host")
        .first()
    )
    if booking is None:
        raise Http404
    url = request.build_absolute_uri(
        reverse("signups:conferences", kwargs={"slug": booking.slot.day.school.slug})
    )
    response = HttpResponse(
        booking_calendar(booking, url), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{booking.pk}.ics"'
    return response


@require_http_methods(["GET", "POST"])
@family_required
def offer(request):
    """A parent offers to interpret at one of their schools; staff approve it in the admin."""
    family = request.family
    schools = list(
        School.objects.filter(
            memberships__family=family, memberships__status=Membership.Status.CONFIRMED
        ).order_by("name")
    )
    offers = list(Interpreter.objects.filter(family=family).select_related("school"))
    for each in offers:
        each.language_names = ", ".join(ENDONYMS.get(c, c) for c in each.languages)
    if request.method == "POST" and request.POST.get("withdraw"):
        school = next((s for s in schools if s.pk == _pk(request.POST.get("withdraw"))), None)
        if school is not None and services.withdraw_offer(family=family, school=school):
            messages.success(request, _("Your offer is withdrawn."))
        return redirect("signups:offer")
    form = OfferForm(request.POST if request.method == "POST" else None, schools=schools)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            school = next(s for s in schools if s.pk == form.cleaned_data["school"])
            services.offer_to_interpret(
                family=family,
                school=school,
                languages=form.cleaned_data["languages"],
                note=form.cleaned_data["note"],
            )
            messages.success(
                request, _("Thank you. The school will contact you before it counts on you.")
            )
            return redirect("families:home")
        status = 400
    return render(
        request,
        "signups/offer.html",
        {"form": form, "offers": offers, "schools": schools},
        status=status,
    )
