import hashlib
import logging
import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts import landing, limits
from accounts.models import User
from messaging import budget, outbox
from messaging.phones import PhoneField, masked

log = logging.getLogger("portal.auth")


def fingerprint(value: str) -> str:
    """A short keyed hash: log lines can be correlated without holding the phone or email."""
    digest = hashlib.blake2b(value.lower().encode(), key=settings.SECRET_KEY[:64].encode())
    return digest.hexdigest()[:12]


def text_now(user, phone, kind, render):
    """Send a text within the request through the outbox, written by render() in the
    family's language (the visitor's when the login has no family yet)."""
    language = getattr(getattr(user, "family", None), "language", None)
    with translation.override(language or translation.get_language()):
        message_language = translation.get_language()
        text = render()
    return outbox.send_at_once(
        kind=kind, channel="sms", phone=phone, language=message_language, text=text
    )


class AccountAdapter(DefaultAccountAdapter):
    """allauth's adapter for identity: phones, codes and their limits. What families add
    (where a family lands, unfinished sign-ups) is in families.adapter, the one in use."""

    def is_open_for_signup(self, request):
        return True

    # The code page itself says where the code went; the same words again above it only
    # add reading for a parent on a small screen.
    QUIET_MESSAGES = frozenset(
        {
            "account/messages/phone_verification_sent.txt",
            "account/messages/login_code_sent.txt",
            "account/messages/email_confirmation_sent.txt",
            # The page after a login greets the person by name; a green panel saying "logged
            # in" would push a family's next step down for nothing.
            "account/messages/logged_in.txt",
            # The recovery codes page that follows says it in the staff member's language.
            "mfa/messages/totp_activated.txt",
            "mfa/messages/recovery_codes_generated.txt",
            "mfa/messages/webauthn_added.txt",
        }
    )

    def add_message(self, request, level, message_template=None, *args, **kwargs):
        if message_template in self.QUIET_MESSAGES:
            return
        super().add_message(request, level, message_template, *args, **kwargs)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Setting up the first second factor minutes after logging in asks for no password
        again: the staff member just typed it, and there is no second factor to protect yet.
        Later changes (another key, new recovery codes, turning one off) still ask."""
        request = self.request
        if app == "allauth.mfa" and request is not None and request.user.is_authenticated:
            from accounts.second_factor import has_authenticator

            records = get_authentication_records(request, request.user)
            newest = max((record.get("at", 0) for record in records), default=0)
            fresh = time.time() - newest < settings.ACCOUNT_REAUTHENTICATION_TIMEOUT
            if fresh and not has_authenticator(request.user):
                return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        # No email is NULL, not "": many parents register with a phone only, and the
        # email column is unique.
        user.email = user.email or None
        if commit:
            user.save()
        return user

    def get_login_redirect_url(self, request):
        # Asked only when the login carries no safe next=: staff land where their work is
        # (accounts.landing, which the portal fills in); families.adapter then sends a
        # family to its own page in its own language.
        return landing.front_door(request.user) or super().get_login_redirect_url(request)

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
        # At sign-up the number is already the user's; after a change of number (a lost
        # phone) it replaces the old one, so codes stop going to the old phone.
        User.objects.filter(pk=user.pk).update(phone=phone, phone_verified=True)
        user.phone, user.phone_verified = phone, True

    def get_user_by_phone(self, phone):
        # Only a confirmed number can receive login codes (RELIABILITY B5); an unconfirmed
        # one is treated like an unknown number.
        return User.objects.filter(phone=phone, phone_verified=True, is_active=True).first()

    def send_verification_code_sms(self, user, phone, code, **kwargs):
        # A login code to the family's confirmed number, or a code to confirm a new one.
        confirmed = user.phone == phone and user.phone_verified
        self.before_sending_code(phone, budget.USUAL if confirmed else budget.CODE_TO_NEW_NUMBER)
        message = text_now(
            user,
            phone,
            "login_code",
            lambda: (
                gettext("Your school portal code is %(code)s. Do not share it with anyone.")
                % {"code": code}
            ),
        )
        log.info("auth.code_%s channel=sms to=%s", message.status, masked(phone))

    def send_unknown_account_sms(self, phone, **kwargs):
        # No text to a number we do not know: it would tell whoever typed it that the
        # number has no account, and cost money (SMS pumping).
        self.before_sending_code(phone, budget.USUAL, send=False)
        log.info("auth.code_not_sent reason=unknown_number to=%s", masked(phone))

    def send_account_already_exists_sms(self, phone):
        """Someone signed up with a number that has an account: the visitor sees the usual
        code page (B4) and the family, if the number is confirmed as theirs, gets one text
        a day in its own language, within the same caps as codes."""
        # Counted like a code to a new number, so the visitor's answer (a 429 past the caps)
        # is the same whether the number has an account or not.
        self.before_sending_code(phone, budget.CODE_TO_NEW_NUMBER, send=False)
        owner = self.get_user_by_phone(phone)
        once_a_day = f"sms:exists:{fingerprint(phone)}:{timezone.localdate():%Y%m%d}"
        if owner is None or not cache.add(once_a_day, 1, 86400) or not budget.spend(budget.USUAL):
            log.info("auth.code_not_sent reason=already_registered to=%s", masked(phone))
            return
        message = text_now(
            owner,
            phone,
            "account_exists",
            lambda: gettext(
                "Someone tried to sign up for the school portal with your number. You already "
                "have an account: choose Log in and type your number. If it was not you, "
                "ignore this message."
            ),
        )
        log.info("auth.account_exists_%s channel=sms to=%s", message.status, masked(phone))

    def get_login_stages(self):
        # Ours confirms the email of an email-only sign-up before the account opens.
        return [
            "accounts.stages.EmailVerificationStage"
            if path == "allauth.account.stages.EmailVerificationStage"
            else path
            for path in super().get_login_stages()
        ]

    def get_client_ip(self, request):
        # allauth raises ImproperlyConfigured (a 500) when X-Forwarded-For has fewer entries
        # than TRUSTED_PROXY_COUNT: a request that did not come through every proxy. Count
        # it against the address that sent it, which the visitor cannot choose (B3).
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            return request.META.get("REMOTE_ADDR") or "unknown"

    def before_sending_code(self, phone, tier, send=True):
        """Raise CodesPausedToday (a 429 page, and no code kept to be guessed) unless a code
        may go to this number now (RELIABILITY B1, B6). Unknown numbers pass here too
        (send=False), so they get the same answer as registered ones."""
        limits.refuse_if_paused(self.request, phone)
        limits.count_code_sent(self.request, phone)
        if not budget.spend(tier, dry_run=not send):
            raise limits.CodesPausedToday
