"""A family's conversations with its schools (/<lang>/my/messages/): no JavaScript, every
form a plain POST that comes back to the conversation."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from conversations import services
from conversations.forms import CallbackForm, MessageForm
from conversations.models import Thread
from families.services import may_send_feedback
from families.views import family_required

# A family sees its newest messages; a very long conversation shows its latest ones.
SHOWN = 100


def _schools(family):
    """The schools a family may write to: those it belongs to or asked to join."""
    return services.schools_of(family).order_by("name")


def _too_many(form):
    form.add_error(
        None,
        _(
            "You have sent many messages in a short time. Please try again in an hour, "
            "or call the school."
        ),
    )


@family_required
@require_http_methods(["GET", "POST"])
def inbox(request):
    family = request.family
    threads = list(
        Thread.objects.filter(family=family).select_related("school").order_by("-last_message_at")
    )
    schools = _schools(family)
    form = MessageForm(request.POST or None, schools=schools)
    status = 200
    if request.method == "POST" and form.is_valid():
        if may_send_feedback(f"family:{family.pk}"):
            message = services.write_from_family(
                family=family,
                school=form.cleaned_data["school"],
                text=form.cleaned_data["text"],
                language=translation.get_language(),
            )
            messages.success(request, _("Your message was sent to the school."))
            return redirect(message.thread.get_absolute_url() + "#new")
        _too_many(form)
        status = 429
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "conversations/inbox.html",
        {"threads": threads, "form": form, "has_schools": schools.exists()},
        status=status,
    )


@family_required
@require_http_methods(["GET", "POST"])
def thread(request, pk):
    family = request.family
    # Another family's conversation looks exactly like one that does not exist.
    conversation = get_object_or_404(Thread.objects.select_related("school"), pk=pk, family=family)
    form = MessageForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if may_send_feedback(f"family:{family.pk}"):
            services.write_from_family(
                family=family,
                school=conversation.school,
                text=form.cleaned_data["text"],
                language=translation.get_language(),
            )
            messages.success(request, _("Your message was sent to the school."))
            return redirect(conversation.get_absolute_url() + "#new")
        _too_many(form)
        status = 429
    elif request.method == "POST":
        status = 400
    return _thread_page(request, conversation, form, CallbackForm(), status)


def _thread_page(request, conversation, form, callback_form, status=200):
    language = translation.get_language()
    newest = list(conversation.messages.order_by("-created_at", "-pk")[:SHOWN])
    shown = services.read_in(
        reversed(newest), language, as_written=lambda message: message.from_family
    )
    if request.method == "GET":
        services.mark_read_by_family(conversation)
    return render(
        request,
        "conversations/thread.html",
        {
            "thread": conversation,
            "thread_messages": shown,
            "form": form,
            "callback_form": callback_form,
            "machine": services.backend_name() != "none",
            "open_callback": conversation.callback_requests.filter(status="open").exists(),
        },
        status=status,
    )


@family_required
@require_POST
def interpreter(request, pk):
    family = request.family
    conversation = Thread.objects.select_related("school").filter(pk=pk, family=family).first()
    if conversation is None:
        raise Http404
    form = CallbackForm(request.POST)
    if not form.is_valid():
        return _thread_page(request, conversation, MessageForm(), form, status=400)
    services.request_callback(
        family=family,
        school=conversation.school,
        thread=conversation,
        note=form.cleaned_data["note"],
    )
    messages.success(
        request,
        _("The school will call you with an interpreter in your language."),
    )
    return redirect(conversation.get_absolute_url())
