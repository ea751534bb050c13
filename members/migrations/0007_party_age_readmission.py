"""Party age from the ledger (R16) and re-admission on one record (R20).

The typed months of interruption become a manual adjustment kept only for history from before
the register kept a member's movements (renamed, values kept); a re-admitted member keeps the
first admission decision's date; the ledger gains the re-admission movement."""

from django.db import migrations, models

INTERRUPTION = models.PositiveIntegerField(
    default=0,
    help_text=(
        "A manual adjustment, only for interruptions before this register kept the member's "
        "movements, as verified by the chapter. Time off the roll recorded here (an exit, then "
        "a re-admission) is left out of party age automatically: do not enter it again."
    ),
    verbose_name="months of interruption before the register",
)
FIRST_DECISION = models.DateField(
    blank=True,
    null=True,
    help_text=(
        "Only for a re-admitted member: the date of the first admission decision, from which "
        "party age counts (Charter, Art. 5(4)). Declared by the member, verified by the "
        "chapter; filled in by the re-admission ceremony."
    ),
    verbose_name="first admission decision date",
)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_annulment"),
    ]

    operations = [
        migrations.RenameField(
            model_name="member",
            old_name="interruption_months",
            new_name="earlier_interruption_months",
        ),
        migrations.RenameField(
            model_name="historicalmember",
            old_name="interruption_months",
            new_name="earlier_interruption_months",
        ),
        migrations.AlterField(
            model_name="member", name="earlier_interruption_months", field=INTERRUPTION
        ),
        migrations.AlterField(
            model_name="historicalmember", name="earlier_interruption_months", field=INTERRUPTION
        ),
        migrations.AddField(
            model_name="member", name="first_admission_decision_date", field=FIRST_DECISION
        ),
        migrations.AddField(
            model_name="historicalmember",
            name="first_admission_decision_date",
            field=FIRST_DECISION,
        ),
        migrations.AlterField(
            model_name="memberevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("REGISTERED", "registered in the chapter"),
                    ("IMPORTED", "imported from a spreadsheet"),
                    ("ADMITTED", "admitted (ceremony)"),
                    ("READMITTED", "re-admitted (ceremony)"),
                    ("CONFIRMED", "confirmed as official member"),
                    ("REMOVED_FROM_PROBATIONARY_LIST", "removed from the probationary list"),
                    ("TRANSFERRED_IN", "transferred in"),
                    ("TRANSFERRED_OUT", "transferred out"),
                    ("TEMPORARY_OUT", "temporarily transferred out"),
                    ("TEMPORARY_RETURN", "returned from temporary transfer"),
                    ("MOVED_CELL", "moved to another cell"),
                    ("EXEMPTED", "exempted from party work and meetings"),
                    ("EXEMPTION_ENDED", "exemption ended"),
                    ("REMOVED", "removed from the roll"),
                    ("EXPELLED", "expelled"),
                    ("LEFT", "left the Party"),
                    ("DECEASED", "deceased"),
                    ("CORRECTED", "key date corrected"),
                    ("ANNULLED", "annulment of an entry recorded by mistake"),
                ],
                max_length=40,
                verbose_name="movement",
            ),
        ),
    ]
