"""The driver on a real two-node Ray cluster on this machine.

`ray.cluster_utils.Cluster`: two nodes of one CPU each (the second with a
fake GPU), loopback, no dashboard, a temporary folder. Three shards per
phase through a wrapper around `logline` that
  - kills the Ray worker running orchestrate shard 2, once (SIGKILL of the
    task's process: Ray retries it), and
  - fails orchestrate shard 3 while a flag file exists (every attempt), so
    the first launch stops;
then a second launch, without the flag, must run only orchestrate shard 3
and skip everything done before. The cluster is shut down in `finally`.

Usage: python test_cluster.py --logline BIN --input SPANS --out DIR
(the caller compares DIR with a single `logline run`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
# Loopback only: Ray otherwise swaps 127.0.0.1 for the machine's address
# when it connects (this switch makes it keep the loopback address).
os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"

import ray  # noqa: E402
from ray.cluster_utils import Cluster  # noqa: E402

from logline_ray import StepFailed, run  # noqa: E402

WRAPPER = """#!/bin/sh
case " $* " in
  *" orchestrate "*" --shard 2/3 "*)
    if [ ! -e {killed} ]; then : > {killed}; kill -9 $PPID; sleep 1; exit 1; fi ;;
  *" orchestrate "*" --shard 3/3 "*)
    if [ -e {fail} ]; then echo "injected failure" >&2; exit 3; fi ;;
esac
exec {logline} "$@"
"""


def check(cond: bool, msg: str) -> None:
    if not cond:
        raise AssertionError(msg)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--logline", required=True)
    p.add_argument("--input", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()

    # Short: Ray's socket paths live under it.
    tmp = Path(tempfile.mkdtemp(prefix="llray-", dir="/tmp"))
    killed, fail = tmp / "killed-once", tmp / "fail-shard-3"
    wrapper = tmp / "logline"
    wrapper.write_text(WRAPPER.format(killed=killed, fail=fail, logline=a.logline))
    wrapper.chmod(0o755)
    work = Path(a.out + ".work")
    # Everything Ray writes stays in the temporary folder (its address
    # file follows RAY_TMPDIR, its sessions temp_dir).
    os.environ["RAY_TMPDIR"] = str(tmp)
    (tmp / "ray").mkdir()

    cluster = None
    try:
        node = {"num_cpus": 1, "node_ip_address": "127.0.0.1"}
        cluster = Cluster(
            initialize_head=True,
            head_node_args={**node, "include_dashboard": False, "temp_dir": str(tmp / "ray")},
        )
        cluster.add_node(**node, num_gpus=1)
        cluster.wait_for_nodes()
        ray.init(address=cluster.address, log_to_driver=False)
        check(len([n for n in ray.nodes() if n["Alive"]]) == 2, "two live nodes")

        fail.touch()
        try:
            run(a.input, a.out, 3, logline=str(wrapper), reproducible=True, max_retries=1, quiet=True)
            raise AssertionError("the first launch should fail on orchestrate shard 3")
        except StepFailed as e:
            first = e.result
            check("orchestrate shard 3" in str(e) and "injected failure" in str(e), str(e))
        check(killed.exists(), "the worker running orchestrate shard 2 was killed")
        check(first.ran == {"prepare": [1, 2, 3], "index": [0], "orchestrate": [1, 2]}, f"first launch ran {first.ran}")
        check(len(first.nodes) == 2, f"tasks ran on both nodes: {first.nodes}")
        for m in ["prepare/1", "prepare/2", "prepare/3", "index", "orchestrate/1", "orchestrate/2"]:
            check((work / "_done" / m).is_file(), f"marker {m}")
        check(not (work / "_done/orchestrate/3").exists(), "no marker for the failed shard")

        fail.unlink()
        second = run(a.input, a.out, 3, logline=str(wrapper), reproducible=True, max_retries=1, quiet=True)
        check(second.skipped == {"prepare": [1, 2, 3], "index": [0], "orchestrate": [1, 2]}, f"relaunch skipped {second.skipped}")
        check(second.ran == {"prepare": [], "index": [], "orchestrate": [3]}, f"relaunch ran {second.ran}")
        print(f"ray cluster test: first launch {first.wall_secs:.1f}s on {len(first.nodes)} nodes, relaunch {second.wall_secs:.1f}s")
    finally:
        ray.shutdown()
        if cluster is not None:
            cluster.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
