"""`movenet batch`: many images or videos through one task, resumable, on local processes or Ray.

    from movenet.batch import BatchOptions, run_batch
    summary = run_batch(["clips/"], "out/", "track", BatchOptions(model="lightning"), workers=2)
"""

from movenet.batch.engines import ENGINES
from movenet.batch.options import BatchOptions
from movenet.batch.runner import (
    MANIFEST,
    SUMMARY,
    BatchSummary,
    default_workers,
    run_batch,
)
from movenet.batch.tasks import TASKS, TaskSpec

__all__ = ["ENGINES", "MANIFEST", "SUMMARY", "TASKS", "BatchOptions", "BatchSummary", "TaskSpec", "default_workers", "run_batch"]
