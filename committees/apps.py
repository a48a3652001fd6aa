from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = _("Committees")

    def ready(self):
        from committees import personal_data as committee_data
        from families import personal_data

        # The two keys of the family's download ("committee_applications", "committee_seats")
        # stay as they were before committees had their own app.
        personal_data.register(
            "committee_applications",
            export=committee_data.export_applications,
            named_rows=committee_data.application_rows,
            erase=committee_data.erase_applications,
        )
        personal_data.register(
            "committee_seats",
            export=committee_data.export_seats,
            named_rows=committee_data.no_rows,
            erase=committee_data.release_seats,
        )
