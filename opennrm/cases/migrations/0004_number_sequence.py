# One number sequence for every kind of numbered record: the case sequence becomes it, and the
# referral sequence moves into it (referrals 0002).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('cases', '0003_attachment'),
    ]

    operations = [
        migrations.RenameModel(old_name='CaseNumberSequence', new_name='NumberSequence'),
        migrations.RemoveConstraint(model_name='numbersequence', name='case_sequence_unique'),
        migrations.AddField(
            model_name='numbersequence',
            name='kind',
            field=models.CharField(choices=[('case', 'case'), ('referral', 'referral')], default='case', max_length=20),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name='numbersequence',
            constraint=models.UniqueConstraint(fields=('organization', 'kind', 'year'), name='number_sequence_unique'),
        ),
        migrations.AddConstraint(
            model_name='numbersequence',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['case', 'referral'])), name='number_sequence_kind_valid'),
        ),
    ]
