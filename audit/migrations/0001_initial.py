# The audit trail moved from the governance app to its own app at the bottom of the layers.
# Its tables keep their names and every row: this migration only tells Django's state that
# the models now live here (no SQL), so the hash chain and the PostgreSQL trigger that refuses
# UPDATE and DELETE stay exactly as they were. governance.0007 removes them from that app's
# state. On a new database governance.0001–0006 still create the tables first.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('initiatives', '0003_recent_first_index'),
        ('governance', '0006_merge_20261125_2031'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name='AuditChainHead',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('last_seq', models.PositiveBigIntegerField(default=0)),
                ('last_hash', models.CharField(default='0000000000000000000000000000000000000000000000000000000000000000', max_length=64)),
            ],
            options={
                'db_table': 'governance_auditchainhead',
            },
        ),
        migrations.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.PositiveBigIntegerField(help_text='Position in the chain, from 1', unique=True)),
                ('at', models.DateTimeField(db_index=True)),
                ('source', models.CharField(choices=[('browser', 'Browser'), ('api', 'API'), ('task', 'Background task'), ('admin', 'Admin'), ('system', 'System')], default='system', max_length=10)),
                ('action', models.CharField(max_length=60)),
                ('object_type', models.CharField(max_length=100)),
                ('object_id', models.CharField(max_length=64)),
                ('object_repr', models.CharField(max_length=300)),
                ('changes', models.JSONField(blank=True, default=dict)),
                ('prev_hash', models.CharField(max_length=64)),
                ('hash', models.CharField(max_length=64, unique=True)),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to=settings.AUTH_USER_MODEL)),
                ('initiative', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='audit_events', to='initiatives.initiative')),
            ],
            options={
                'db_table': 'governance_auditevent',
                'ordering': ['seq'],
                'indexes': [models.Index(fields=['initiative', 'seq'], name='governance__initiat_52d739_idx')],
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations, database_operations=[]),
    ]
