# One name for one idea: the body that issued a paper is ``issuing_body`` everywhere (as
# chapter.documents.Document and members' MemberEvent have it).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('admissions', '0005_rule_values_move_to_chapter'),
    ]

    operations = [
        migrations.RenameField(
            model_name=model_name, old_name=old_name, new_name='issuing_body'
        )
        for model_name, old_name in (
            ('candidatedocument', 'issuer'),
            ('historicalcandidatedocument', 'issuer'),
            ('decision', 'body'),
            ('historicaldecision', 'body'),
            ('extension', 'body'),
            ('historicalextension', 'body'),
        )
    ]
