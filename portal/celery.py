import os

from celery import Celery, signals

from portal import health, logs

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every task carries the request id of whoever queued it and logs one JSON line
# (portal.logs); beat and the dispatcher leave a heartbeat for /readyz (portal.health).
signals.before_task_publish.connect(logs.carry_request_id, weak=False)
signals.task_prerun.connect(logs.task_started, weak=False)
signals.task_postrun.connect(logs.task_finished, weak=False)
signals.beat_init.connect(health.beat_started, weak=False)
signals.before_task_publish.connect(health.beat_ticked, weak=False)
signals.task_postrun.connect(health.dispatcher_ran, weak=False)
