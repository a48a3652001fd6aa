import json
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.adapter import fingerprint
from accounts.limits import client_address
from families import services
from families.forms import (
    AssistedRegistrationForm,
    FeedbackForm,
    JoinForm,
    PassCodeForm,
    ProfileForm,
)
from families.models import NOT_READ, Family, FamilyPass, Membership, read_with_session
from families.qr import pass_qr_svg
from messaging.translation import provider_name as translation_provider
from portal.languages import only_in_reader_language
from portal.page_cache import personal_page
from schools.access import assist_schools, front_desk_schools, partners_for
from schools.models import School


def family_required(view):
    """Logged in, with a family profile (staff without one are sent to make one)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        # Read with the session in most requests (portal.signed_in); else one query.
        family = read_with_session(request.user)
        if family is NOT_READ:
            family = Family.objects.active().filter(user=request.user).first()
        if family is None:
            return redirect("families:setup")
        # The user is the one already read for the request: no join to read it again.
        family.user = request.user
        request.family = family
        return view(request, *args, **kwargs)

    return wrapper


# The family's own page (it lists answers to events) is portal.pages.family_home.


@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    """A person who logged in without a family profile (e.g. staff) can make one."""
    if Family.objects.active().filter(user=request.user).exists():
        return redirect("families:profile")
    family = Family(user=request.user, language=translation.get_language())
    form = ProfileForm(request.POST or None, instance=family)
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] for f in ProfileForm.Meta.fields}
        services.register_family(user=request.user, **values)
        return redirect("families:home")
    return render(request, "families/profile.html", {"form": form, "setup": True})


@family_required
@require_http_methods(["GET", "POST"])
def profile(request):
    family = request.family
    form = ProfileForm(request.POST or None, instance=family)
    if request.method == "POST" and form.is_valid():
        family = form.save()
        messages.success(
            request,
            _("Saved. The schools' messages now come in the language and the way you chose."),
        )
        # The page follows the language the family just chose.
        response = redirect(_path_in(family.language, "families:profile"))
        return response
    return render(request, "families/profile.html", {"form": form, "family": family})


def _path_in(language, name):
    with translation.override(language):
        return reverse(name)


@family_required
@require_http_methods(["GET", "POST"])
def join(request):
    initial = {}
    if slug := request.GET.get("school"):
        initial["school"] = School.objects.active().filter(slug=slug[:80]).first()
    form = JoinForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        school = form.cleaned_data.get("code_school") or form.cleaned_data["school"]
        via = (
            Membership.Via.JOIN_CODE
            if form.cleaned_data.get("code_school")
            else Membership.Via.REQUEST
        )
        membership = services.join_school(family=request.family, school=school, via=via)
        if membership.status == Membership.Status.CONFIRMED:
            # The name stands alone after a colon: grammatical in every language.
            # Each confirmation says what happens next (the panel on My page).
            messages.success(
                request,
                _(
                    "You are now part of this school: %(school)s. Your family pass works at "
                    "its door."
                )
                % {"school": school.name},
            )
        else:
            messages.success(
                request,
                _("We sent your request to this school: %(school)s. Next, the school checks it.")
                % {"school": school.name},
            )
        return redirect("families:home")
    return render(request, "families/join.html", {"form": form})


@personal_page
@family_required
def family_pass(request):
    family = request.family
    current = family.current_pass()
    if request.method == "POST":
        # A school may cancel a pass (a lost phone); only the family's own tap makes a new
        # one, never opening the page (GET changes nothing). A second tap keeps it.
        if current is None:
            services.reissue_pass(family)
        return redirect("families:pass")
    if current is None:
        return render(request, "families/pass_cancelled.html", {"family": family})
    # Only the names shown, in the reader's language (and English).
    schools = only_in_reader_language(
        School.objects.filter(
            memberships__family=family, memberships__status=Membership.Status.CONFIRMED
        ),
        "name",
    )
    return render(
        request,
        "families/pass.html",
        {
            "family": family,
            "pass": current,
            "schools": schools,
            "qr": pass_qr(request, current),
            "card_language": translation.get_language(),
        },
    )


def pass_qr(request, family_pass):
    # The address has no language in it: it opens in the front desk's own language.
    url = reverse("pass_scan", kwargs={"token": family_pass.signed_token()})
    return pass_qr_svg(request.build_absolute_uri(url))


@family_required
def my_data(request):
    return render(
        request,
        "families/data.html",
        {"family": request.family, "data": services.export_family(request.family)},
    )


@family_required
def my_data_json(request):
    body = json.dumps(services.export_family(request.family), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-school-portal-data.json"'
    return response


@family_required
@require_http_methods(["GET", "POST"])
def erase(request):
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        services.erase_family(request.family, actor=request.user)
        # The login's sessions ended with it; this one too, even if allauth never listed it.
        logout(request)
        return render(request, "families/erased.html")
    return render(request, "families/erase.html", {"family": request.family})


@require_http_methods(["GET", "POST"])
def feedback(request, slug):
    school = get_object_or_404(School.objects.active(), slug=slug)
    family = None
    if request.user.is_authenticated:
        family = Family.objects.active().filter(user=request.user).first()
    form = FeedbackForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if services.may_send_feedback(_feedback_sender(request, family)):
            services.send_feedback(
                school=school,
                family=family,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                anonymous=form.cleaned_data["anonymous"] or family is None,
            )
            if family is None or form.cleaned_data["anonymous"]:
                messages.success(
                    request,
                    _(
                        "Thank you. The school received your message. It has no name with it, "
                        "so the school cannot answer you."
                    ),
                )
            else:
                messages.success(
                    request,
                    _(
                        "Thank you. The school received your message. Its answer will reach "
                        "you by message and on My page."
                    ),
                )
            return redirect(school.get_absolute_url())
        form.add_error(
            None,
            _(
                "You have sent many messages in a short time. Please try again in an hour, "
                "or call the school."
            ),
        )
        status = 429
    return render(
        request,
        "families/feedback.html",
        {"school": school, "form": form, "family": family},
        status=status,
    )


def _feedback_sender(request, family):
    """A family counts on its own; anyone else by the real client address (the proxy's
    X-Forwarded-For read as allauth does, TRUSTED_PROXY_COUNT; an IPv6 address by its /64,
    which one phone or home holds whole), kept only as a keyed hash."""
    if family is not None:
        return f"family:{family.pk}"
    return "ip:" + fingerprint(client_address(request))


def privacy(request):
    return render(
        request,
        "families/privacy.html",
        {
            "event_retention_days": settings.EVENT_RETENTION_DAYS,
            # Who sees the texts of messages, if anyone (TRANSLATION_BACKEND).
            "translation_provider": translation_provider(),
            # Replies to the school's emails join the conversation (messaging/email_replies.py).
            "replies_by_email": bool(settings.INBOUND_EMAIL_DOMAIN),
        },
    )


# Front desk ---------------------------------------------------------------


def front_desk_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        schools = list(front_desk_schools(request.user))
        if not schools:
            raise PermissionDenied
        chosen = request.GET.get("school") or request.POST.get("school")
        request.desk_school = next((s for s in schools if s.slug == chosen), schools[0])
        request.desk_schools = schools
        return view(request, *args, **kwargs)

    return wrapper


@front_desk_required
@require_http_methods(["GET", "POST"])
def front_desk(request):
    form = PassCodeForm(request.POST or None)
    check = None
    if request.method == "POST" and form.is_valid():
        found = FamilyPass.from_short_code(form.cleaned_data["code"])
        check = services.check_pass(
            family_pass=found, school=request.desk_school, staff=request.user
        )
    return render(request, "families/front_desk.html", {"form": form, "check": check})


# A pass's QR code opens portal.pages.pass_scan (the check, then today's events).


# Assisted registration ----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def assist(request):
    schools = assist_schools(request.user)
    if not schools.exists():
        raise PermissionDenied
    partner = partners_for(request.user).first()
    form = AssistedRegistrationForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            family = services.register_family_for(
                staff=request.user,
                partner=partner,
                school=data["school"],
                phone=data.get("phone") or "",
                email=data.get("email") or "",
                share_phone=data.get("share_phone", False),
                **form.family_values(),
            )
        except IntegrityError:  # another registration took the number a moment ago
            form.add_error(None, form.CONTACT_IN_USE)
        else:
            return redirect("families:assisted", pk=family.pk)
    registered = (
        Family.objects.active()
        .filter(registered_by=request.user)
        .prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("school"))
        )
        .order_by("-created_at")[:20]
    )
    return render(request, "families/assist.html", {"form": form, "registered": registered})


@login_required
def assisted(request, pk):
    """After an assisted registration: the family's printable pass, or where its code went."""
    family = get_object_or_404(
        Family.objects.active()
        .filter(registered_by=request.user, memberships__school__in=assist_schools(request.user))
        .distinct(),
        pk=pk,
    )
    current = family.current_pass()
    schools = School.objects.filter(memberships__family=family)
    return render(
        request,
        "families/pass.html",
        {
            "family": family,
            "pass": current,
            "schools": schools,
            "qr": pass_qr(request, current),
            "assisted": True,
            # The card is printed for the family: in its language, the page around it in
            # the staff member's.
            "card_language": family.language,
        },
    )
