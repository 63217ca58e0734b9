"""Background jobs of linkage (django-tasks; the worker runs them)."""

from django_tasks import task

from .batch import linkage_run_execute


@task()
def linkage_run_job(run_id: str) -> str:
    """Run one batch duplicate search; the argument is the run's id, never a record."""
    return str(linkage_run_execute(run_id=run_id).status)
