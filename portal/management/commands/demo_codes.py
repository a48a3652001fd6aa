"""The authenticator app codes of the demo staff accounts right now, so `make run`'s demo
logins work without a phone (RELIABILITY B10). DEBUG only: never on a real portal."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from portal.management.commands.seed_demo import DEMO_STAFF, authenticator_key


class Command(BaseCommand):
    help = "Print the demo staff accounts' current two-step login codes (DEBUG only)."

    def handle(self, *args, **options):
        from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

        if not settings.DEBUG:
            raise CommandError("demo_codes is for the demo (DEBUG=1) only.")
        now = time.time()
        left = 30 - int(now) % 30
        self.stdout.write(f"Codes for the next {left} seconds:")
        for user in User.objects.filter(email__in=DEMO_STAFF).order_by("email"):
            code = format_hotp_value(hotp_value(authenticator_key(user), int(now // 30)))
            self.stdout.write(f"  {user.email:28} {code}")
