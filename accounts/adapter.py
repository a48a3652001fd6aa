from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Families sign up with a phone or email code (the families issue); until then only
        # staff accounts exist, created by an administrator.
        return False
