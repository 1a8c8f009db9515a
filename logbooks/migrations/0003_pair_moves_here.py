"""Pair moves from matching to logbooks, its one home (ADR 0009): state only. The table keeps
its name (matching_pair) and its rows; meetings, plans and pauses point at the same table."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_site_retention_days'),
        ('logbooks', '0002_logbook_needs_support_unanswered'),
        ('matching', '0005_run_reports_void_locks'),
        ('programme', '0009_suggested_topic_supporter'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table, its columns, index and foreign keys stay as they are: only
            # Django's idea of which app owns them changes.
            state_operations=[
                migrations.CreateModel(
                    name='Pair',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('proposed', 'Proposed'), ('agreed', 'Agreed by both'), ('active', 'Active'), ('paused', 'Paused'), ('completed', 'Completed'), ('ended', 'Ended early'), ('refused', 'Refused')], default='proposed', max_length=12, verbose_name='status')),
                        ('started_on', models.DateField(blank=True, null=True, verbose_name='started on')),
                        ('ended_on', models.DateField(blank=True, null=True, verbose_name='ended on')),
                        ('end_reason', models.TextField(blank=True, verbose_name='reason for ending')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created')),
                        ('score', models.FloatField(blank=True, null=True, verbose_name='score')),
                        ('similarities', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='sociodemographic similarities')),
                        ('explanation', models.JSONField(blank=True, default=dict, verbose_name='explanation of the score')),
                        ('peer_answer', models.CharField(blank=True, choices=[('', 'Not asked yet'), ('agreed', 'Agreed'), ('refused', 'Refused')], max_length=10, verbose_name="peer's answer")),
                        ('supporter_answer', models.CharField(blank=True, choices=[('', 'Not asked yet'), ('agreed', 'Agreed'), ('refused', 'Refused')], max_length=10, verbose_name="supporter's answer")),
                        ('refusal_reason', models.TextField(blank=True, verbose_name='reason for refusing')),
                        ('match_meeting_at', models.DateTimeField(blank=True, null=True, verbose_name='match meeting')),
                        ('match_meeting_place', models.CharField(blank=True, max_length=200, verbose_name='place')),
                        ('match_meeting_held_on', models.DateField(blank=True, null=True, verbose_name='match meeting held on')),
                        ('expectations', models.TextField(blank=True, verbose_name='expectations')),
                        ('wishes', models.TextField(blank=True, verbose_name='wishes for the meetings')),
                        ('formed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='formed by')),
                        ('peer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='pairs_as_peer', to='programme.participant', verbose_name='peer')),
                        ('peer_survey', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='matching.matchsurvey', verbose_name="peer's match survey")),
                        ('previous_pair', models.OneToOneField(blank=True, help_text='When a substitute supporter took over, the pair they continue.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='continued_by', to='logbooks.pair', verbose_name='continues the case of')),
                        ('proposal', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='pairs', to='matching.matchproposal', verbose_name='proposal')),
                        ('round', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='pairs', to='programme.round', verbose_name='round')),
                        ('site', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='pairs', to='accounts.site', verbose_name='site')),
                        ('supporter', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='pairs_as_supporter', to='programme.participant', verbose_name='peer supporter')),
                        ('supporter_survey', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='matching.matchsurvey', verbose_name="supporter's match survey")),
                    ],
                    options={
                        'verbose_name': 'pair',
                        'verbose_name_plural': 'pairs',
                        'db_table': 'matching_pair',
                        'ordering': ['-created_at', 'id'],
                    },
                ),
                migrations.AlterField(
                    model_name='meeting',
                    name='pair',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='meetings', to='logbooks.pair', verbose_name='pair'),
                ),
                migrations.AlterField(
                    model_name='meetingplan',
                    name='pair',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='meeting_plan', to='logbooks.pair', verbose_name='pair'),
                ),
                migrations.AlterField(
                    model_name='pause',
                    name='pair',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='pauses', to='logbooks.pair', verbose_name='pair'),
                ),
                migrations.AddIndex(
                    model_name='pair',
                    index=models.Index(fields=['site', 'status'], name='matching_pa_site_id_7378cc_idx'),
                ),
            ],
            database_operations=[],
        ),
    ]
