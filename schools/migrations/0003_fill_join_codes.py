from django.db import migrations


def fill(apps, schema_editor):
    from schools.models import new_join_code

    School = apps.get_model("schools", "School")
    used = set()
    # AddField gave every existing school the same default; give each its own.
    for school in School.objects.all():
        code = new_join_code()
        while code in used:
            code = new_join_code()
        used.add(code)
        school.join_code = code
        school.save(update_fields=["join_code"])


class Migration(migrations.Migration):
    dependencies = [("schools", "0002_partner_join_code")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
