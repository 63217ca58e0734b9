from django.db import migrations

CHUNK = 2000


def _pair_tokens(person) -> set[str]:
    from opennrm.crypto.keyring import blind_index
    from opennrm.matching.names import name_words, pair_values
    from opennrm.people.models import other_names

    parts = (person.given_name or "", person.family_name or "", person.patronymic or "")
    items = name_words(*parts, *other_names(person.names))
    return {blind_index(value, purpose=purpose) for purpose, value in pair_values(items)}


def add_pair_keys(apps, schema_editor):
    """Store the keys of the pairs of each person's name words (``matching.names.pair_values``)
    beside the keys already stored, which do not change: a search reads the pairs first."""
    Person = apps.get_model("people", "Person")
    PersonName = apps.get_model("people", "PersonName")
    rows = []
    persons = Person.objects.only(
        "pk", "organization_id", "given_name", "family_name", "patronymic", "names"
    )
    for person in persons.iterator(chunk_size=CHUNK):
        tokens = _pair_tokens(person)
        rows += [
            PersonName(person_id=person.pk, organization_id=person.organization_id, token=t)
            for t in sorted(tokens)
        ]
        if len(rows) >= CHUNK * 4:
            PersonName.objects.bulk_create(rows, batch_size=CHUNK)
            rows = []
    PersonName.objects.bulk_create(rows, batch_size=CHUNK)


def remove_pair_keys(apps, schema_editor):
    """Undo: the pair keys are the only keys of their purposes, found by recomputing them."""
    Person = apps.get_model("people", "Person")
    PersonName = apps.get_model("people", "PersonName")
    for person in Person.objects.iterator(chunk_size=CHUNK):
        tokens = _pair_tokens(person)
        PersonName.objects.filter(person_id=person.pk, token__in=tokens).delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0008_phone_kinds")]

    operations = [migrations.RunPython(add_pair_keys, remove_pair_keys, elidable=True)]
