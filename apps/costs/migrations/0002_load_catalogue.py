from django.db import migrations


def load(apps, schema_editor):
    from apps.costs.catalogue import catalogue_load

    catalogue_load(apps.get_model("costs", "BusinessSystem"))


class Migration(migrations.Migration):
    dependencies = [("costs", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
