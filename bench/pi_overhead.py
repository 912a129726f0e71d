#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench/pi.sh: one-turn pi -p, bare versus boxed."""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "integration"))
from model_server import ModelServer, pi_config  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pibox", required=True)
    ap.add_argument("--prefix", required=True)
    ap.add_argument("--runs", type=int, default=20)
    a = ap.parse_args()
    pi = os.path.join(a.prefix, "node_modules/.bin/pi")
    m = ModelServer([])  # every turn answers "done"
    tmp = tempfile.mkdtemp(prefix="pibox-bench-pi-", dir="/var/tmp")
    repo = os.path.join(tmp, "repo")
    os.makedirs(repo)
    subprocess.run(["git", "init", "-q", repo], check=True)
    bare_agent = os.path.join(tmp, "bare-agent")
    pi_config(bare_agent, m.port)
    pi_config(os.path.join(tmp, "data/pibox/agent"), m.port)
    args = ["-p", "hello", "--provider", "scripted", "--model", "scripted", "--no-session"]
    env_bare = dict(os.environ, PI_CODING_AGENT_DIR=bare_agent)
    env_box = dict(os.environ, XDG_DATA_HOME=os.path.join(tmp, "data"),
                   XDG_STATE_HOME=os.path.join(tmp, "state"), PIBOX_PI_PREFIX=a.prefix)
    if os.geteuid() == 0:
        print("run this as an ordinary user: as root pibox uses the repository owner's files",
              file=sys.stderr)
    bare, boxed = [], []
    for i in range(a.runs + 2):
        for cmd, env, out in (([pi, *args], env_bare, bare),
                              ([a.pibox, "--quiet", "--yes", "--forward", str(m.port), *args],
                               env_box, boxed)):
            t = time.perf_counter()
            r = subprocess.run(cmd, cwd=repo, env=env, stdin=subprocess.DEVNULL,
                               capture_output=True, text=True)
            dt = (time.perf_counter() - t) * 1000
            if r.returncode != 0 or "done" not in r.stdout:
                sys.exit(f"run failed: {cmd[0]}: {r.stderr[-400:]}")
            if i >= 2:  # warm-up
                out.append(dt)
    b, x = statistics.median(bare), statistics.median(boxed)
    print(f"pi -p bare:   median {b:8.1f} ms  ({a.runs} runs)")
    print(f"pi -p boxed:  median {x:8.1f} ms")
    print(f"overhead:     {x - b:+8.1f} ms  = {100 * (x - b) / b:+.1f}%  (target < 3%)")
    m.close()
    subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    main()
