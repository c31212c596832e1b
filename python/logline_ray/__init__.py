"""Run the LogLine pipeline on a Ray cluster.

Each step is the `logline` CLI's shard contract run as a Ray task
(`prepare --shard K/N`, `index build`, `orchestrate WORK --shard K/N`),
then `report merge` in the driver. WORK must be on storage every node
sees at the same path (NFS, a shared volume): the tasks exchange files,
not Ray objects.
"""

from .driver import Result, StepFailed, run

__all__ = ["Result", "StepFailed", "run"]
