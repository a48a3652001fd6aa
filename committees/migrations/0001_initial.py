"""Committee, Seat and SeatApplication move here from `schools`, keeping their tables
(schools_committee, schools_seat, schools_seatapplication) and every row: the models are
created in Django's state only (schools 0007 deletes them from its state the same way), and
their content types follow them, so admin history and permissions still point at them."""

import django.db.models.deletion
import django.utils.timezone
import schools.models
from django.db import migrations, models

MOVED = ["committee", "seat", "seatapplication"]


def content_types_follow(apps, schema_editor, old="schools", new="committees"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        # On a new database the content types do not exist yet (post_migrate makes them).
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def content_types_go_back(apps, schema_editor):
    content_types_follow(apps, schema_editor, old="committees", new="schools")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('families', '0001_initial'),
        ('schools', '0006_recording_named_by_its_content'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Committee',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('welcoming', 'Parent welcoming committee'), ('multicultural', 'Multicultural advisory committee'), ('leadership', 'School leadership team'), ('district', 'District or citywide advisory committee')], max_length=15, verbose_name='kind')),
                        ('name', models.CharField(max_length=200, verbose_name='name')),
                        ('name_en', models.CharField(max_length=200, null=True, verbose_name='name')),
                        ('name_sq', models.CharField(max_length=200, null=True, verbose_name='name')),
                        ('name_ar', models.CharField(max_length=200, null=True, verbose_name='name')),
                        ('name_bn', models.CharField(max_length=200, null=True, verbose_name='name')),
                        ('name_zh_hans', models.CharField(max_length=200, null=True, verbose_name='name')),
                        ('name_zh_hant', models.CharField(max_length=200, null=True, verbose_name='name')),
                        ('name_tl', models.CharField(max_length=200, null=True, verbose_name='name')),
                        ('name_fr', models.CharField(max_length=200, null=True, verbose_name='name')),
                        ('name_ht', models.CharField(max_length=200, null=True, verbose_name='name')),
                        ('name_ko', models.CharField(max_length=200, null=True, verbose_name='name')),
                        ('name_ru', models.CharField(max_length=200, null=True, verbose_name='name')),
                        ('name_es', models.CharField(max_length=200, null=True, verbose_name='name')),
                        ('name_uk', models.CharField(max_length=200, null=True, verbose_name='name')),
                        ('name_ur', models.CharField(max_length=200, null=True, verbose_name='name')),
                        ('name_uz', models.CharField(max_length=200, null=True, verbose_name='name')),
                        ('description', models.TextField(help_text='In plain words: what members do, and why it matters.', max_length=5000, verbose_name='what members do')),
                        ('description_en', models.TextField(help_text='In plain words: what members do, and why it matters.', max_length=5000, null=True, verbose_name='what members do')),
                        ('description_sq', models.TextField(help_text='In plain words: what members do, and why it matters.', max_length=5000, null=True, verbose_name='what members do')),
                        ('description_ar', models.TextField(help_text='In plain words: what members do, and why it matters.', max_length=5000, null=True, verbose_name='what members do')),
                        ('description_bn', models.TextField(help_text='In plain words: what members do, and why it matters.', max_length=5000, null=True, verbose_name='what members do')),
                        ('description_zh_hans', models.TextField(help_text='In plain words: what members do, and why it matters.', max_length=5000, null=True, verbose_name='what members do')),
                        ('description_zh_hant', models.TextField(help_text='In plain words: what members do, and why it matters.', max_length=5000, null=True, verbose_name='what members do')),
                        ('description_tl', models.TextField(help_text='In plain words: what members do, and why it matters.', max_length=5000, null=True, verbose_name='what members do')),
                        ('description_fr', models.TextField(help_text='In plain words: what members do, and why it matters.', max_length=5000, null=True, verbose_name='what members do')),
                        ('description_ht', models.TextField(help_text='In plain words: what members do, and why it matters.', max_length=5000, null=True, verbose_name='what members do')),
                        ('description_ko', models.TextField(help_text='In plain words: what members do, and why it matters.', max_length=5000, null=True, verbose_name='what members do')),
                        ('description_ru', models.TextField(help_text='In plain words: what members do, and why it matters.', max_length=5000, null=True, verbose_name='what members do')),
                        ('description_es', models.TextField(help_text='In plain words: what members do, and why it matters.', max_length=5000, null=True, verbose_name='what members do')),
                        ('description_uk', models.TextField(help_text='In plain words: what members do, and why it matters.', max_length=5000, null=True, verbose_name='what members do')),
                        ('description_ur', models.TextField(help_text='In plain words: what members do, and why it matters.', max_length=5000, null=True, verbose_name='what members do')),
                        ('description_uz', models.TextField(help_text='In plain words: what members do, and why it matters.', max_length=5000, null=True, verbose_name='what members do')),
                        ('meets', models.CharField(blank=True, help_text='For example: first Tuesday of the month, 6 pm.', max_length=300, verbose_name='when it meets')),
                        ('meets_en', models.CharField(blank=True, help_text='For example: first Tuesday of the month, 6 pm.', max_length=300, null=True, verbose_name='when it meets')),
                        ('meets_sq', models.CharField(blank=True, help_text='For example: first Tuesday of the month, 6 pm.', max_length=300, null=True, verbose_name='when it meets')),
                        ('meets_ar', models.CharField(blank=True, help_text='For example: first Tuesday of the month, 6 pm.', max_length=300, null=True, verbose_name='when it meets')),
                        ('meets_bn', models.CharField(blank=True, help_text='For example: first Tuesday of the month, 6 pm.', max_length=300, null=True, verbose_name='when it meets')),
                        ('meets_zh_hans', models.CharField(blank=True, help_text='For example: first Tuesday of the month, 6 pm.', max_length=300, null=True, verbose_name='when it meets')),
                        ('meets_zh_hant', models.CharField(blank=True, help_text='For example: first Tuesday of the month, 6 pm.', max_length=300, null=True, verbose_name='when it meets')),
                        ('meets_tl', models.CharField(blank=True, help_text='For example: first Tuesday of the month, 6 pm.', max_length=300, null=True, verbose_name='when it meets')),
                        ('meets_fr', models.CharField(blank=True, help_text='For example: first Tuesday of the month, 6 pm.', max_length=300, null=True, verbose_name='when it meets')),
                        ('meets_ht', models.CharField(blank=True, help_text='For example: first Tuesday of the month, 6 pm.', max_length=300, null=True, verbose_name='when it meets')),
                        ('meets_ko', models.CharField(blank=True, help_text='For example: first Tuesday of the month, 6 pm.', max_length=300, null=True, verbose_name='when it meets')),
                        ('meets_ru', models.CharField(blank=True, help_text='For example: first Tuesday of the month, 6 pm.', max_length=300, null=True, verbose_name='when it meets')),
                        ('meets_es', models.CharField(blank=True, help_text='For example: first Tuesday of the month, 6 pm.', max_length=300, null=True, verbose_name='when it meets')),
                        ('meets_uk', models.CharField(blank=True, help_text='For example: first Tuesday of the month, 6 pm.', max_length=300, null=True, verbose_name='when it meets')),
                        ('meets_ur', models.CharField(blank=True, help_text='For example: first Tuesday of the month, 6 pm.', max_length=300, null=True, verbose_name='when it meets')),
                        ('meets_uz', models.CharField(blank=True, help_text='For example: first Tuesday of the month, 6 pm.', max_length=300, null=True, verbose_name='when it meets')),
                        ('status', models.CharField(choices=[('draft', 'Draft (only staff see it)'), ('published', 'Published')], default='draft', max_length=10, verbose_name='status')),
                        ('district', models.ForeignKey(blank=True, help_text='Filled in from the school; choose it only for a district committee.', on_delete=django.db.models.deletion.CASCADE, related_name='committees', to='schools.district', verbose_name='district')),
                        ('school', models.ForeignKey(blank=True, help_text='Leave empty for a district committee.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='committees', to='schools.school', verbose_name='school')),
                    ],
                    options={
                        'verbose_name': 'committee',
                        'verbose_name_plural': 'committees',
                        'db_table': 'schools_committee',
                        'ordering': ['name'],
                    },
                    bases=(schools.models.OrganisedBySchoolOrDistrict, schools.models.TranslatedContent, models.Model),
                ),
                migrations.CreateModel(
                    name='Seat',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('label', models.CharField(help_text='For example: parent seat 1.', max_length=100, verbose_name='seat')),
                        ('term_start', models.DateField(verbose_name='term starts')),
                        ('term_end', models.DateField(verbose_name='term ends')),
                        ('show_name', models.BooleanField(default=False, verbose_name='member agreed to show their name')),
                        ('committee', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='seats', to='committees.committee', verbose_name='committee')),
                        ('holder', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='seats', to='families.family', verbose_name='member')),
                    ],
                    options={
                        'verbose_name': 'seat',
                        'verbose_name_plural': 'seats',
                        'db_table': 'schools_seat',
                        'ordering': ['committee', 'label'],
                    },
                ),
                migrations.CreateModel(
                    name='SeatApplication',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('statement', models.TextField(help_text='In any language. A few sentences are enough.', max_length=3000, verbose_name='why you would like to join')),
                        ('language', models.CharField(choices=[('en', 'English'), ('sq', 'Albanian'), ('ar', 'Arabic'), ('bn', 'Bangla'), ('zh-hans', 'Chinese (simplified)'), ('zh-hant', 'Chinese (traditional)'), ('tl', 'Filipino'), ('fr', 'French'), ('ht', 'Haitian Creole'), ('ko', 'Korean'), ('ru', 'Russian'), ('es', 'Spanish'), ('uk', 'Ukrainian'), ('ur', 'Urdu'), ('uz', 'Uzbek')], max_length=10, verbose_name='language')),
                        ('wants_partner_help', models.BooleanField(default=False, verbose_name='I would like help from a community organisation')),
                        ('show_name', models.BooleanField(default=False, verbose_name='If I am chosen, my name may be shown on the committee page')),
                        ('status', models.CharField(choices=[('applied', 'Applied'), ('selected', 'Selected'), ('not_selected', 'Not selected this time')], default='applied', max_length=15, verbose_name='status')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='sent')),
                        ('committee', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='applications', to='committees.committee', verbose_name='committee')),
                        ('family', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='seat_applications', to='families.family', verbose_name='family')),
                        ('seat', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='committees.seat', verbose_name='seat')),
                    ],
                    options={
                        'verbose_name': 'seat application',
                        'verbose_name_plural': 'seat applications',
                        'db_table': 'schools_seatapplication',
                        'ordering': ['created_at'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='seat',
                    constraint=models.CheckConstraint(condition=models.Q(('term_end__gt', models.F('term_start'))), name='seat_term_ends_after_start'),
                ),
                migrations.AddConstraint(
                    model_name='seatapplication',
                    constraint=models.UniqueConstraint(fields=('committee', 'family'), name='one_application_per_committee'),
                ),
            ],
        ),
        migrations.RunPython(content_types_follow, content_types_go_back),
    ]
