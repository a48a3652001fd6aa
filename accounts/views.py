from functools import wraps

from allauth.account import views as allauth_views
from allauth.account.authentication import get_authentication_records
from allauth.mfa.base.internal.flows import post_authentication
from allauth.mfa.base.views import AuthenticateView
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.views import ViewRecoveryCodesView
from allauth.mfa.totp.internal import flows as totp_flows
from allauth.mfa.totp.views import ActivateTOTPView
from allauth.mfa.webauthn.views import AddWebAuthnView
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from accounts import second_factor


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


class SecondStep(AuthenticateView):
    """The login's code step; the security key button only for those who added one."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        keys = Authenticator.objects.filter(
            user_id=self.stage.login.user.pk, type=Authenticator.Type.WEBAUTHN
        )
        context["has_security_key"] = keys.exists()
        return context


class ActivateAuthenticatorApp(ActivateTOTPView):
    def form_valid(self, form):
        totp, recovery_codes = totp_flows.activate_totp(self.request, form)
        self.did_generate_recovery_codes = bool(recovery_codes)
        # The code just typed came from the new app: this session has used its second
        # factor, as after the code step of a login (RELIABILITY B10).
        post_authentication(self.request, totp, reauthenticated=True)
        return redirect(self.get_success_url())


class RecoveryCodes(ViewRecoveryCodesView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["continue_url"] = second_factor.start_page(self.request)
        self.request.session.pop(second_factor.NEXT_SESSION_KEY, None)
        return context


class AddSecurityKey(AddWebAuthnView):
    def get_success_url(self):
        # Back to the staff member's own second-step page, in their language.
        return reverse("mfa_view_recovery_codes")


class StaffLogin(allauth_views.LoginView):
    """Staff log in with a password, shown at once (families' login page leads with a code
    and keeps the password behind a toggle). The second factor follows as for any staff
    login (RELIABILITY B10)."""

    template_name = "account/staff_login.html"


staff_login = StaffLogin.as_view()
authenticate = SecondStep.as_view()
add_security_key = AddSecurityKey.as_view()
activate_totp = ActivateAuthenticatorApp.as_view()
view_recovery_codes = RecoveryCodes.as_view()
