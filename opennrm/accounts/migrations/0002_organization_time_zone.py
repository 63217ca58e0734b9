"""Each organization gets a time zone; existing ones get their country's (UTC if unknown)."""

from django.db import migrations, models

import opennrm.accounts.timezones

# Frozen copy of opennrm.accounts.timezones.COUNTRY_TIME_ZONES as of this migration: a migration
# must give the same result whatever the table becomes later.
COUNTRY_TIME_ZONES = {
    "AE": "Asia/Dubai",
    "AF": "Asia/Kabul",
    "AM": "Asia/Yerevan",
    "AZ": "Asia/Baku",
    "BY": "Europe/Minsk",
    "CN": "Asia/Shanghai",
    "DE": "Europe/Berlin",
    "GB": "Europe/London",
    "GE": "Asia/Tbilisi",
    "IN": "Asia/Kolkata",
    "IR": "Asia/Tehran",
    "KG": "Asia/Bishkek",
    "KR": "Asia/Seoul",
    "KZ": "Asia/Almaty",
    "MD": "Europe/Chisinau",
    "MN": "Asia/Ulaanbaatar",
    "PK": "Asia/Karachi",
    "RU": "Europe/Moscow",
    "TH": "Asia/Bangkok",
    "TJ": "Asia/Dushanbe",
    "TM": "Asia/Ashgabat",
    "TR": "Europe/Istanbul",
    "UA": "Europe/Kyiv",
    "UZ": "Asia/Tashkent",
}


def fill_from_country(apps, schema_editor):
    Organization = apps.get_model("accounts", "Organization")
    for country, zone in COUNTRY_TIME_ZONES.items():
        Organization.objects.filter(country__iexact=country).update(time_zone=zone)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="time_zone",
            field=models.CharField(
                default="UTC",
                help_text="IANA name, e.g. Asia/Almaty",
                max_length=64,
                validators=[opennrm.accounts.timezones.validate_time_zone],
                verbose_name="time zone",
            ),
        ),
        migrations.RunPython(fill_from_country, migrations.RunPython.noop),
    ]
