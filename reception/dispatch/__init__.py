"""Department queues (issue 5): push every transfer to its department exactly once, bring answers back.

- :mod:`.payload`: the JSON body a department receives, limited to what it needs, byte-for-byte stable.
- :mod:`.transports`: ``http`` (the department-queue API), ``folder`` (shared folder), ``manual`` (paper).
- :mod:`.outbox`: claiming with a lease, recording results, dead letters, retry and re-route.
- :mod:`.dispatcher`: one lane per department; ``reception dispatch [--once | --watch]``.
- :mod:`.poll`: department statuses back into the case through ``reception.tracking.record_answer``.
"""

from __future__ import annotations

from .dispatcher import Dispatcher, LaneFigures
from .outbox import DeadLetter, backoff, dead_letters, reroute, retry_dead

__all__ = ["DeadLetter", "Dispatcher", "LaneFigures", "backoff", "dead_letters", "reroute", "retry_dead"]
