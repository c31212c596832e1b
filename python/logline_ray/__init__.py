"""Run the LogLine pipeline on a Ray cluster.

Each step is the `logline` CLI's shard contract run as a Ray task
(`prepare --shard K/N`, `index build`, `orchestrate WORK --shard K/N`),
then `report merge` in the driver. WORK must be on storage every node
sees at the same path (NFS, a shared volume): the tasks exchange files,
not Ray objects.
"""

__all__ = ["Result", "StepFailed", "run"]


def __getattr__(name: str):
    # Ray is imported on first use, not with the package: `logline-ray`
    # must set RAY_AUTH_MODE before Ray reads it at import.
    if name in __all__:
        from . import driver

        return getattr(driver, name)
    raise AttributeError(name)
