from django.db import migrations


def fill(apps, schema_editor):
    from huunghi.core.collation import person_sort_key

    Role = apps.get_model("orgs", "Role")
    for role in Role.objects.select_related("user").iterator():
        family, _sep, middle = (role.user.last_name or "").partition(" ")
        role.user_sort_key = person_sort_key(family, middle, role.user.first_name or "")
        role.save(update_fields=["user_sort_key"])


class Migration(migrations.Migration):
    dependencies = [("orgs", "0003_role_vietnamese_order")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
