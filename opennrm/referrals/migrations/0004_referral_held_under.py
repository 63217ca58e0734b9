"""Provenance of shared fields (decision 0013), and its backfill for the referrals on record.

The backfill is conservative: every identifying field a receiver's copy received through a
referral whose consent is still carried out nowhere depends on that consent (as the clearing
before decision 0013 assumed), unless the receiver has since recorded its own consent of
assistance. Edits made before this migration are not known and so are not taken as the
receiver's own: withdrawal clears them, as it did before.
"""

from django.db import migrations, models

# The catalogue keys of referrals.choices.SharedField and the person fields behind them, as of
# this migration.
PERSON_FIELDS_OF = {
    "given_name": ("given_name",),
    "family_name": ("family_name",),
    "patronymic": ("patronymic",),
    "other_names": ("names",),
    "birth": ("birth_date", "birth_year", "approximate_age"),
    "phones": ("phones",),
    "documents": ("documents",),
    "address": ("address",),
}


def backfill(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    Person = apps.get_model("people", "Person")
    Consent = apps.get_model("cases", "Consent")
    Case = apps.get_model("cases", "Case")
    referrals = Referral.objects.filter(shares_revoked_at__isnull=True).order_by("sent_at", "pk")
    for referral in referrals.only("pk", "shared_fields", "consent_id", "from_case_id", "to_case_id"):
        fields = [n for key in referral.shared_fields for n in PERSON_FIELDS_OF.get(key, ())]
        if not fields:
            continue
        sender = Person.objects.only("held_under").get(
            pk=Case.objects.values_list("person_id", flat=True).get(pk=referral.from_case_id)
        )
        held = {n: list(sender.held_under[n]) for n in fields if sender.held_under.get(n)}
        Referral.objects.filter(pk=referral.pk).update(held_under=held)
        if referral.to_case_id is None:
            continue
        if Consent.objects.filter(case_id=referral.to_case_id, purpose="assistance").exists():
            continue
        covering = [referral.consent_id] if referral.consent_id else []
        person_id = Case.objects.values_list("person_id", flat=True).get(pk=referral.to_case_id)
        Person.objects.filter(pk=person_id).update(
            held_under={
                n: sorted(set(covering + held.get(n, [])))
                for n in fields
                if covering or held.get(n)
            }
        )


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0003_servicedelivery"),
        ("people", "0003_person_held_under"),
        ("cases", "0006_consent_withdrawal_reason"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="held_under",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
