"""Stuck background jobs: marked failed by the beat task after JOBS_STUCK_AFTER_SECONDS without progress, with
a Chinese message and an audit row; a failed job is retried from its page (its task runs again)."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse

from cadre.tests.factories import CadreFactory
from core import jobs
from core.models import AuditEvent, BackgroundJob

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.timezone.utc)
Status = BackgroundJob.Status


def _job(user, *, kind="cadre.roster_export", status=Status.RUNNING, **extra):
    return BackgroundJob.objects.create(kind=kind, created_by=user, status=status, message="正在导出",
                                        params={"query": "", "title": "干部花名册"}, **extra)


def test_a_job_without_progress_past_the_limit_is_marked_failed(staff_user):
    limit = settings.JOBS_STUCK_AFTER_SECONDS
    with time_machine.travel(T0, tick=False):
        running = _job(staff_user)
        pending = _job(staff_user, status=Status.PENDING)
        done = _job(staff_user, status=Status.DONE)
    with time_machine.travel(T0 + dt.timedelta(seconds=limit - 60), tick=False):
        fresh = _job(staff_user)
        assert jobs.jobs_fail_stuck() == []  # not yet
    with time_machine.travel(T0 + dt.timedelta(seconds=limit + 60), tick=False):
        marked = jobs.task("core.fail_stuck_jobs").delay().get()
    assert sorted(marked) == sorted([running.pk, pending.pk])
    for job in (running, pending):
        job.refresh_from_db()
        assert job.status == Status.FAILED and "没有进展" in job.message and "重试" in job.message
    done.refresh_from_db()
    fresh.refresh_from_db()
    assert done.status == Status.DONE and fresh.status == Status.RUNNING
    events = AuditEvent.objects.filter(action="core.job_fail_stuck")
    assert sorted(int(e.object_id) for e in events) == sorted(marked) and all(e.actor is None for e in events)


def test_progress_keeps_a_long_job_alive(staff_user):
    limit = settings.JOBS_STUCK_AFTER_SECONDS
    with time_machine.travel(T0, tick=False):
        job = _job(staff_user)
    with time_machine.travel(T0 + dt.timedelta(seconds=limit - 60), tick=False):
        job.progress = 5
        job.save(update_fields=["progress", "updated_at"])  # a progress report (documents.job_progress likewise)
    with time_machine.travel(T0 + dt.timedelta(seconds=limit + 60), tick=False):
        assert jobs.jobs_fail_stuck() == []


def test_the_beat_schedule_runs_it_every_few_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["core-fail-stuck-jobs"]
    assert entry["task"] == "core.fail_stuck_jobs" and entry["schedule"] <= 600


def test_retry_from_the_job_page_runs_the_task_again(client, staff_user, django_capture_on_commit_callbacks):
    CadreFactory.create_batch(2)
    with time_machine.travel(T0, tick=False):
        job = _job(staff_user)
    with time_machine.travel(T0 + dt.timedelta(seconds=settings.JOBS_STUCK_AFTER_SECONDS + 60), tick=False):
        jobs.jobs_fail_stuck()
    client.force_login(staff_user)
    page = client.get(reverse("job-status", args=[job.pk])).content.decode()
    assert reverse("job-retry", args=[job.pk]) in page and "重试" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("job-retry", args=[job.pk]))
    assert response.status_code == 302 and response.url == reverse("job-status", args=[job.pk])
    job.refresh_from_db()
    assert job.status == Status.DONE and job.output_file and job.params["retries"] == 1
    assert AuditEvent.objects.filter(action="core.job_retry", object_id=str(job.pk), actor=staff_user).count() == 1
    # a finished job offers no retry and refuses one
    assert reverse("job-retry", args=[job.pk]) not in client.get(reverse("job-status", args=[job.pk])).content.decode()
    client.post(reverse("job-retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == Status.DONE and job.params["retries"] == 1


def test_retry_is_refused_to_others_and_for_kinds_without_a_task(client, staff_user, leader_user):
    failed = _job(staff_user, status=Status.FAILED)
    client.force_login(leader_user)  # neither its creator nor staff
    assert client.post(reverse("job-retry", args=[failed.pk])).status_code == 403
    client.logout()
    assert client.post(reverse("job-retry", args=[failed.pk])).status_code == 302  # to the login page
    failed.refresh_from_db()
    assert failed.status == Status.FAILED
    other = _job(staff_user, kind="documents.approval_form", status=Status.FAILED)
    client.force_login(staff_user)
    response = client.post(reverse("job-retry", args=[other.pk]), follow=True)
    assert "不能重试" in response.content.decode()
    other.refresh_from_db()
    assert other.status == Status.FAILED
    assert not jobs.retryable(other) and jobs.retryable(failed)


def test_the_creator_may_retry_their_own_job(client, django_capture_on_commit_callbacks):
    owner = User.objects.create_user("owner", password="pass12345")
    job = _job(owner, kind="cadre.roster_import", status=Status.FAILED)
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert client.post(reverse("job-retry", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.status == Status.PENDING and job.message == "等待重试" and len(callbacks) == 1
