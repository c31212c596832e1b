"""The driver: phases as Ray tasks that call the `logline` CLI.

Parallel map (prepare shards) -> one global step (index build) ->
parallel map (orchestrate shards) -> fold (report merge, here). A step
whose done marker is in WORK is not submitted again, and the CLI skips it
too, so a relaunch after a crash or a failed task only runs what is left.
"""

from __future__ import annotations

import dataclasses
import os
import socket
import subprocess
import time
from pathlib import Path
from typing import Sequence

import ray

# Environment a task passes on to `logline` (model, runtime, caches).
PASSED_ENV = ("LOGLINE_", "ORT_", "RUST_LOG", "HOME", "PATH", "TMPDIR")


class StepFailed(RuntimeError):
    """A step failed on every attempt; `result` says what ran before it."""

    def __init__(self, msg: str, result: "Result | None" = None):
        super().__init__(msg)
        self.result = result


@dataclasses.dataclass
class Result:
    """What a driver launch did."""

    work: str
    out: str
    shards: int
    ran: dict[str, list[int]]
    skipped: dict[str, list[int]]
    task_secs: dict[str, list[float]]
    nodes: list[str]
    wall_secs: float


def _marker(work: Path, step: str, k: int) -> Path:
    return work / "_done" / ("index" if step == "index" else f"{step}/{k}")


@ray.remote
def _step(logline: str, args: list[str], env: dict[str, str], marker: str) -> dict:
    """One CLI step on whichever node Ray picks. Its marker may have
    appeared since the driver looked (another launch): the CLI then skips
    the step, and so is it counted."""
    skipped = os.path.isfile(marker)
    start = time.monotonic()
    proc = subprocess.run([logline, *args], env=env, capture_output=True, text=True)
    secs = time.monotonic() - start
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip()[-2000:]
        raise RuntimeError(f"logline {' '.join(args)} exited {proc.returncode}: {tail}")
    return {
        "secs": secs,
        "node": ray.get_runtime_context().get_node_id(),
        "host": socket.gethostname(),
        "skipped": skipped,
    }


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k.startswith(PASSED_ENV)}


def run(
    input: str | os.PathLike,
    out: str | os.PathLike,
    shards: int,
    *,
    work: str | os.PathLike | None = None,
    logline: str = "logline",
    prepare_args: Sequence[str] = (),
    orchestrate_args: Sequence[str] = (),
    reproducible: bool = False,
    max_retries: int = 3,
    prepare_gpus: float = 0.0,
    cpus_per_task: int = 1,
    quiet: bool = False,
) -> Result:
    """Run the pipeline over `shards` tasks per phase on the connected Ray
    cluster (call `ray.init` first) and fold it into `out`.

    `work` defaults to `<out>.work` beside `out`; it must be on storage
    every node sees at the same path. Each task asks Ray for
    `cpus_per_task` CPUs and runs the model and the enzyme workers on as
    many threads. `prepare_gpus` is the `num_gpus` of each prepare task
    (Ray sets CUDA_VISIBLE_DEVICES for it, and the task runs `--cuda`)."""
    if shards < 1:
        raise ValueError("shards must be at least 1")
    if not ray.is_initialized():
        raise RuntimeError("connect to a Ray cluster first (ray.init(address=...))")
    begin = time.monotonic()
    input = os.path.abspath(input)
    out = os.path.abspath(out)
    work_path = Path(os.path.abspath(work if work is not None else out + ".work"))
    env = _env()
    base = {"max_retries": max_retries, "retry_exceptions": True, "num_cpus": cpus_per_task}
    threads = ["--threads", str(cpus_per_task)]
    ran: dict[str, list[int]] = {"prepare": [], "index": [], "orchestrate": []}
    skipped: dict[str, list[int]] = {"prepare": [], "index": [], "orchestrate": []}
    secs: dict[str, list[float]] = {"prepare": [], "index": [], "orchestrate": []}
    nodes: set[str] = set()

    def say(msg: str) -> None:
        if not quiet:
            print(f"logline-ray: {msg}", flush=True)

    def result() -> Result:
        for v in (*ran.values(), *skipped.values()):
            v.sort()
        return Result(
            work=str(work_path),
            out=out,
            shards=shards,
            ran=ran,
            skipped=skipped,
            task_secs=secs,
            nodes=sorted(nodes),
            wall_secs=time.monotonic() - begin,
        )

    def phase(name: str, tasks: dict[int, list[str]], opts: dict) -> None:
        todo = {}
        for k, args in tasks.items():
            marker = _marker(work_path, name, k)
            if marker.is_file():
                skipped[name].append(k)
            else:
                todo[_step.options(**base, **opts).remote(logline, args, env, str(marker))] = k
        if skipped[name]:
            say(f"{name}: {len(skipped[name])} done before, skipped")
        failed = []
        pending = list(todo)
        # Wait for every task, so the ones that succeed leave their
        # markers even when another fails.
        while pending:
            ready, pending = ray.wait(pending, num_returns=1)
            k = todo[ready[0]]
            try:
                r = ray.get(ready[0])
            except Exception as e:  # noqa: BLE001 - reported with its shard
                failed.append(f"{name} shard {k}: {e}")
                continue
            nodes.add(r["node"])
            secs[name].append(r["secs"])
            (skipped if r["skipped"] else ran)[name].append(k)
        if failed:
            raise StepFailed(
                "; ".join(failed) + f" (after {max_retries} retries; launch again to run only what is left)",
                result(),
            )
        say(f"{name}: {len(ran[name])} task(s) ran")

    work_path.mkdir(parents=True, exist_ok=True)
    w = str(work_path)
    phase(
        "prepare",
        {
            k: ["prepare", "-q", "-i", input, "-o", w, "--shard", f"{k}/{shards}", *threads, *prepare_args]
            + (["--cuda"] if prepare_gpus else [])
            for k in range(1, shards + 1)
        },
        {"num_gpus": prepare_gpus} if prepare_gpus else {},
    )
    index = ["index", "build", "-q", w] + (["--reproducible"] if reproducible else [])
    phase("index", {0: index}, {})
    orch = [*threads, "--workers", str(cpus_per_task), *orchestrate_args]
    orch += ["--reproducible"] if reproducible else []
    phase(
        "orchestrate",
        {k: ["orchestrate", "-q", w, "--shard", f"{k}/{shards}", *orch] for k in range(1, shards + 1)},
        {},
    )
    # The fold runs here, and prints what `logline run` prints.
    merge = [logline, "report", "merge", w, "-o", out] + (["-q"] if quiet else [])
    proc = subprocess.run(merge, env=env)
    if proc.returncode != 0:
        raise StepFailed(f"logline report merge exited {proc.returncode}", result())
    return result()
