from functools import wraps

from allauth.account import views as allauth_views
from allauth.account.authentication import get_authentication_records
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods


def recent_login_required(view):
    """Before a phone or email changes, the person proves again that it is them.

    allauth re-asks a password; most families have none, so without a login in the last
    few minutes they log in again with a fresh code (RELIABILITY B8).
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            records = get_authentication_records(request, request.user)
            newest = max((record.get("at", 0) for record in records), default=0)
            if timezone.now().timestamp() - newest > settings.ACCOUNT_REAUTHENTICATION_TIMEOUT:
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('confirm_it_is_you')}?{query}")
        return view(request, *args, **kwargs)

    return wrapper


@login_required
@require_http_methods(["GET", "POST"])
def confirm_it_is_you(request):
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if not next_url.startswith("/") or next_url.startswith("//"):
        next_url = reverse("families:profile")
    if request.method == "POST":
        logout(request)
        query = urlencode({"next": next_url})
        return redirect(f"{reverse('account_request_login_code')}?{query}")
    return render(request, "account/confirm_it_is_you.html", {"next": next_url})


change_phone = recent_login_required(allauth_views.change_phone)
email = recent_login_required(allauth_views.email)
