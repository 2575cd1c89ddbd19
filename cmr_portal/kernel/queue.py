"""Queueing background work so that an outage of the broker never fails the change that asked."""

import logging
from typing import Any

from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def queue_task(task: Any, *args: Any) -> None:
    """Queue background work; with the broker down, log it: the records say what is still to do."""
    try:
        task.delay(*args)
    except OperationalError:
        # Not the arguments: one may be an address someone typed (a password reset).
        logger.exception("The broker is down: %s is not queued yet", task.name)
