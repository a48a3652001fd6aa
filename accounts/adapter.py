import hashlib
import logging

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts import limits
from accounts.models import User
from accounts.phones import PhoneField, masked
from messaging import budget, outbox

log = logging.getLogger("portal.auth")


def fingerprint(value: str) -> str:
    """A short keyed hash: log lines can be correlated without holding the phone or email."""
    digest = hashlib.blake2b(value.lower().encode(), key=settings.SECRET_KEY[:64].encode())
    return digest.hexdigest()[:12]


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return True

    # The code page itself says where the code went; the same words again above it only
    # add reading for a parent on a small screen.
    QUIET_MESSAGES = frozenset(
        {
            "account/messages/phone_verification_sent.txt",
            "account/messages/login_code_sent.txt",
            "account/messages/email_confirmation_sent.txt",
        }
    )

    def add_message(self, request, level, message_template=None, *args, **kwargs):
        if message_template in self.QUIET_MESSAGES:
            return
        super().add_message(request, level, message_template, *args, **kwargs)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        # No email is NULL, not "": many parents register with a phone only, and the
        # email column is unique.
        user.email = user.email or None
        if commit:
            user.save()
        return user

    def get_login_redirect_url(self, request):
        # A family lands on its own page in its own language, whatever page it logged in from.
        url = super().get_login_redirect_url(request)
        family = getattr(request.user, "family", None)
        if family is not None and url == reverse("families:home"):
            with translation.override(family.language):
                return reverse("families:home")
        return url

    # Phones live on the User (E.164), with a verified flag.
    def phone_form_field(self, **kwargs):
        return PhoneField(**kwargs)

    def set_phone(self, user, phone, verified):
        user.phone = phone
        user.phone_verified = verified
        if user.pk:  # at signup allauth sets the phone before the user is first saved
            user.save(update_fields=["phone", "phone_verified"])

    def get_phone(self, user):
        return (user.phone, user.phone_verified) if user.phone else None

    def set_phone_verified(self, user, phone):
        User.objects.filter(pk=user.pk, phone=phone).update(phone_verified=True)
        user.phone_verified = True

    def get_user_by_phone(self, phone):
        # Only a confirmed number can receive login codes (RELIABILITY B5); an unconfirmed
        # one is treated like an unknown number.
        return User.objects.filter(phone=phone, phone_verified=True, is_active=True).first()

    def send_verification_code_sms(self, user, phone, code, **kwargs):
        # A login code to the family's confirmed number, or a code to confirm a new one.
        confirmed = user.phone == phone and user.phone_verified
        self.before_sending_code(phone, budget.USUAL if confirmed else budget.CODE_TO_NEW_NUMBER)
        language = getattr(getattr(user, "family", None), "language", None)
        with translation.override(language or translation.get_language()):
            message_language = translation.get_language()
            text = gettext("Your school portal code is %(code)s. Do not share it with anyone.") % {
                "code": code
            }
        message = outbox.send_at_once(
            kind="login_code",
            channel="sms",
            phone=phone,
            language=message_language,
            text=text,
        )
        log.info("auth.code_%s channel=sms to=%s", message.status, masked(phone))

    def send_unknown_account_sms(self, phone, **kwargs):
        # No text to a number we do not know: it would tell whoever typed it that the
        # number has no account, and cost money (SMS pumping).
        self.before_sending_code(phone, budget.USUAL, send=False)
        log.info("auth.code_not_sent reason=unknown_number to=%s", masked(phone))

    def send_account_already_exists_sms(self, phone):
        self.before_sending_code(phone, budget.CODE_TO_NEW_NUMBER, send=False)
        log.info("auth.code_not_sent reason=already_registered to=%s", masked(phone))

    def before_sending_code(self, phone, tier, send=True):
        """Raise CodesPausedToday (a 429 page, and no code kept to be guessed) unless a code
        may go to this number now (RELIABILITY B1, B6). Unknown numbers pass here too
        (send=False), so they get the same answer as registered ones."""
        limits.refuse_if_paused(self.request, phone)
        limits.count_code_sent(self.request, phone)
        if not budget.spend(tier, dry_run=not send):
            raise limits.CodesPausedToday
