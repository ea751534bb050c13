from django.db import migrations, models


def fill_due_dates(apps, schema_editor):
    """Every case's next deadline, as the services store it from now on (admissions.due)."""
    from admissions.due import refresh_due_dates

    refresh_due_dates(apps.get_model("admissions", "Candidate").objects.all())


class Migration(migrations.Migration):
    dependencies = [
        ("admissions", "0010_readmission_on_the_same_record"),
        ("chapter", "0002_rule_values"),
    ]

    operations = [
        migrations.AddField(
            model_name="candidate",
            name="due_excused",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name="candidate",
            name="due_kind",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "—"),
                    ("AWARENESS", "awareness certificate expires"),
                    ("ADMISSION_DECISION", "admission decision"),
                    ("CEREMONY", "ceremony"),
                    ("CONFIRMATION_VOTE", "confirmation vote"),
                    ("CONFIRMATION_DECISION", "confirmation decision"),
                ],
                editable=False,
                max_length=30,
            ),
        ),
        migrations.AddField(
            model_name="candidate",
            name="due_on",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="next deadline"
            ),
        ),
        migrations.AddField(
            model_name="candidate",
            name="due_rule",
            field=models.CharField(blank=True, editable=False, max_length=10),
        ),
        migrations.AddIndex(
            model_name="candidate",
            index=models.Index(
                condition=models.Q(("due_excused", False), ("due_on__isnull", False)),
                fields=["due_on"],
                name="admissions_candidate_due",
            ),
        ),
        migrations.AddIndex(
            model_name="candidate",
            index=models.Index(
                fields=["stage", "stage_since", "id"], name="admissions_candidate_column"
            ),
        ),
        migrations.RunPython(fill_due_dates, migrations.RunPython.noop, elidable=True),
    ]
