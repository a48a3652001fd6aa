from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from committees import services
from committees.forms import SeatApplicationForm
from committees.models import Committee, Seat
from families.models import Family
from schools.models import Status


@require_http_methods(["GET", "POST"])
def committee_detail(request, pk):
    committee = get_object_or_404(
        Committee.objects.filter(status=Status.PUBLISHED).select_related("school", "district"),
        pk=pk,
    )
    seats = list(Seat.objects.filter(committee=committee).select_related("holder"))
    open_seats = sum(1 for seat in seats if seat.is_open)
    family = None
    if request.user.is_authenticated:
        family = Family.objects.active().filter(user=request.user).first()
    application = committee.applications.filter(family=family).first() if family else None
    takes_applications = open_seats > 0
    form = None
    if family and not application and takes_applications:
        form = SeatApplicationForm(request.POST or None)
    if request.method == "POST":
        if form is None:
            if family and not application:
                messages.error(request, services.NO_OPEN_SEAT)
            return redirect(committee.get_absolute_url())
        if form.is_valid():
            try:
                services.apply_for_seat(family=family, committee=committee, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Thank you. The school will read your application and tell you.")
                )
                return redirect(committee.get_absolute_url())
    language = translation.get_language()
    return render(
        request,
        "committees/committee.html",
        {
            "committee": committee,
            "school": committee.school,
            "seats": seats,
            "open_seats": open_seats,
            "takes_applications": takes_applications,
            "family": family,
            "application": application,
            "form": form,
            "description_missing": not committee.has_translation(language, "description"),
        },
    )
