"""The login as families use it: accounts' allauth adapter with the family part added.

accounts (identity only) sits below families, so what needs a family lives here:
ACCOUNT_ADAPTER and MFA_ADAPTER name these classes.
"""

import logging
from datetime import timedelta

from allauth.mfa.adapter import DefaultMFAAdapter
from django.urls import reverse
from django.utils import translation

from accounts.adapter import AccountAdapter
from families import claims
from families.qr import qr_svg

log = logging.getLogger("portal.auth")


class FamilyAccountAdapter(AccountAdapter):
    def get_login_redirect_url(self, request):
        # A family lands on its own page in its own language, whatever page it logged in from.
        url = super().get_login_redirect_url(request)
        family = getattr(request.user, "family", None)
        if family is not None and url == reverse("families:home"):
            with translation.override(family.language):
                return reverse("families:home")
        return url

    def set_phone_verified(self, user, phone):
        # An unfinished sign-up holding the new number gives way (before the number moves,
        # as it is unique): this person just typed the code sent to it.
        if user.phone != phone:
            claims.release(phone=phone, held_for=timedelta(0))
        super().set_phone_verified(user, phone)

    def send_account_already_exists_mail(self, email):
        """As for a phone (send_account_already_exists_sms), only to an account someone
        uses (an unfinished sign-up's address may be a stranger's), in the owner's language."""
        owner = next(
            (u for u in claims.holders(email=email) if not claims.is_unfinished_signup(u)), None
        )
        if owner is None:
            log.info("auth.mail_not_sent reason=already_registered")
            return
        language = getattr(getattr(owner, "family", None), "language", None)
        with translation.override(language or translation.get_language()):
            super().send_account_already_exists_mail(email)


class MFAAdapter(DefaultMFAAdapter):
    def build_totp_svg(self, url: str) -> str:
        # The authenticator app's QR code, drawn with the library the family passes use.
        return qr_svg(url)
