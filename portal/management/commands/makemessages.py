from django.core.management.commands import makemessages


class Command(makemessages.Command):
    # gettext's fuzzy guesses pair new text with unrelated old translations ("School" with
    # "Schools"); a new string should arrive empty and be translated on purpose.
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
