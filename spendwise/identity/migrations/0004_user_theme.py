# Light or dark pages (spendwise/pwa, docs/pwa.md).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('identity', '0003_user_signed_out_at'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='theme',
            field=models.CharField(choices=[('system', 'As on this device'), ('light', 'Light'), ('dark', 'Dark')], default='system', max_length=6),
        ),
    ]
