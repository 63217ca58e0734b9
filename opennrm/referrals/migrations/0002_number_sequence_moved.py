# Referral numbers continue from where they were, now in the one number sequence of cases.

from django.db import migrations


def forward(apps, schema_editor):
    old = apps.get_model('referrals', 'ReferralNumberSequence')
    new = apps.get_model('cases', 'NumberSequence')
    new.objects.bulk_create(
        [
            new(organization_id=row.organization_id, kind='referral', year=row.year, last=row.last)
            for row in old.objects.all()
        ]
    )


def backward(apps, schema_editor):
    old = apps.get_model('referrals', 'ReferralNumberSequence')
    new = apps.get_model('cases', 'NumberSequence')
    rows = new.objects.filter(kind='referral')
    old.objects.bulk_create(
        [old(organization_id=row.organization_id, year=row.year, last=row.last) for row in rows]
    )
    rows.delete()


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0004_number_sequence'),
        ('referrals', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name='ReferralNumberSequence'),
    ]
