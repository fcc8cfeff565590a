"""Solution model jobs: DRACO levels of detail and a poster once an upload commits."""

from __future__ import annotations

from aixplore.core.db import session_scope
from aixplore.core.events import subscribe
from aixplore.domain.models3d.services import MODEL_UPLOADED, do_process_model
from aixplore.jobs.queue import huey


@huey.task(retries=3, retry_delay=60)
def process_solution_model(model_id: int) -> bool:
    """Compress one uploaded model and draw its poster (safe to run twice)."""
    with session_scope() as session:
        return do_process_model(session, model_id)


subscribe(MODEL_UPLOADED, lambda model_id: process_solution_model(model_id))
