from allauth.account import stages
from allauth.account.adapter import get_adapter
from allauth.account.internal.flows.email_verification import send_verification_email_at_login
from allauth.account.utils import has_verified_email


class EmailVerificationStage(stages.EmailVerificationStage):
    """A family that signs up with only an email confirms it (by the link we send) before
    the account opens, as a phone number is confirmed by its code.

    That is what lets a taken address get the same answer as a new one: allauth then sends
    the owner an "account already exists" mail instead (RELIABILITY B4). Elsewhere email
    confirmation stays optional: staff log in with a password, families by code.
    """

    def handle(self):
        login = self.login
        phone = login.phone or getattr(login.user, "phone", None)
        if login.signup and not phone and not has_verified_email(login.user, login.email):
            send_verification_email_at_login(self.request, login)
            return get_adapter().respond_email_verification_sent(self.request, login.user), True
        return super().handle()
