import importlib

from django.db import migrations

# The keys of 0004 changed before they left the day they were made (a "near" key, refined
# folding rules): a database that ran 0004 then is re-keyed with the same code.
rekey = importlib.import_module("opennrm.people.migrations.0004_name_keys").rekey


class Migration(migrations.Migration):
    dependencies = [("people", "0004_name_keys")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop, elidable=True)]
