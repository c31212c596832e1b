"""`logline-ray run -i INPUT -o OUT --shards N [--address ADDR]`."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shlex
import shutil
import sys
import time
from pathlib import Path


EPILOG = """\
WORK (--work, default OUT.work) must be on storage that every node of the
cluster sees at the same path: the tasks exchange files through it. The
input, the model (LOGLINE_MODEL_DIR) and the manifest must be there too.
Ray binds every interface (Ray 2.60 adds a token, ~/.ray/auth_token, but
the ports stay open): run the cluster on a private network, or on loopback
for one machine.
"""


def _token_file() -> Path:
    """Where Ray keeps the cluster token (`RAY_AUTH_TOKEN_PATH`, else ~/.ray/auth_token)."""
    return Path(os.environ.get("RAY_AUTH_TOKEN_PATH", Path.home() / ".ray" / "auth_token"))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="logline-ray", description=__doc__, epilog=EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run the pipeline over N shards per phase", epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    r.add_argument("-i", "--input", required=True, help="input spans (NDJSON, optionally gzip)")
    r.add_argument("-o", "--output", required=True, help="output folder: the files `logline run` writes")
    r.add_argument("--shards", type=int, required=True, help="tasks per phase (fixed per work folder)")
    r.add_argument("--work", help="work folder on shared storage (default: OUTPUT.work)")
    r.add_argument("--address", help="Ray cluster address (default: RAY_ADDRESS, or a local one-node cluster)")
    r.add_argument("--logline", default=shutil.which("logline") or "logline", help="the logline binary, same path on every node")
    r.add_argument("--manifest", help="enzyme manifest for Phase 1")
    r.add_argument("--prepare-args", default="", help="more flags for `logline prepare` (one string)")
    r.add_argument("--orchestrate-args", default="", help="more flags for `logline orchestrate` (one string)")
    r.add_argument("--reproducible", action="store_true", help="fixed timestamps, a one-thread index build")
    r.add_argument("--max-retries", type=int, default=3, help="retries of a failed task (default 3)")
    r.add_argument("--prepare-gpus", type=float, default=0.0, help="num_gpus of each prepare task (runs it with --cuda)")
    r.add_argument("--cpus-per-task", type=int, default=1, help="num_cpus of each task, and its model and enzyme threads (default 1)")
    r.add_argument("--json", action="store_true", help="print what ran and what was skipped as JSON")
    r.add_argument("-q", "--quiet", action="store_true")
    a = p.parse_args(argv)

    t0 = time.monotonic()
    address = a.address or os.environ.get("RAY_ADDRESS")
    if address and "RAY_AUTH_MODE" not in os.environ and _token_file().is_file():
        # `ray start` (2.60) turns token authentication on and writes the
        # token, but a driver that connects reads it only in token mode,
        # which Ray reads when it is imported.
        os.environ["RAY_AUTH_MODE"] = "token"
        if not a.quiet:
            print(f"logline-ray: connecting with Ray's token ({_token_file()}); "
                  "set RAY_AUTH_MODE=disabled for a cluster without one", file=sys.stderr)
    import ray

    from .driver import StepFailed, run
    ray.init(address=a.address, include_dashboard=False, log_to_driver=False)
    init_secs = time.monotonic() - t0
    try:
        orch = shlex.split(a.orchestrate_args) + (["--manifest", a.manifest] if a.manifest else [])
        res = run(a.input, a.output, a.shards, work=a.work, logline=a.logline,
                  prepare_args=shlex.split(a.prepare_args), orchestrate_args=orch,
                  reproducible=a.reproducible, max_retries=a.max_retries,
                  prepare_gpus=a.prepare_gpus, cpus_per_task=a.cpus_per_task, quiet=a.quiet)
    except StepFailed as e:
        print(f"logline-ray: {e}", file=sys.stderr)
        return 1
    finally:
        ray.shutdown()
    if a.json:
        print(json.dumps({**dataclasses.asdict(res), "init_secs": init_secs}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
