"""Background jobs of the hotline (django-tasks; the worker runs them)."""

from django_tasks import task

from .services import signals_clear_closed


@task()
def clear_closed_signals() -> int:
    """Clear the identifying data of contacts handed on and closed longer than the retention."""
    return signals_clear_closed()
