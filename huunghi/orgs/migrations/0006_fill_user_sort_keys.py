from django.conf import settings
from django.db import migrations


def fill(apps, schema_editor):
    from huunghi.core.collation import person_sort_key

    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    UserSortKey = apps.get_model("orgs", "UserSortKey")
    keys = []
    for user in User.objects.iterator():
        family, _sep, middle = (user.last_name or "").partition(" ")
        keys.append(
            UserSortKey(user=user, key=person_sort_key(family, middle, user.first_name or ""))
        )
    UserSortKey.objects.bulk_create(keys, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0005_user_sort_key"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
