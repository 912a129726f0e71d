# SPDX-License-Identifier: MIT
"""The terminal, as a person uses it: tmux runs pibox, we type and read the
screen. Checks pi's UI, resizing, /quit, and that the terminal comes back
exactly as it was."""
import os
import shutil
import subprocess
import time
import uuid

import pytest

from conftest import PIBOX

pytestmark = pytest.mark.skipif(not shutil.which("tmux"), reason="tmux is not installed")


class Tmux:
    def __init__(self, cwd, env_prefix=""):
        self.sock = f"pibox-{uuid.uuid4().hex[:8]}"
        self.cwd = cwd
        subprocess.run(["tmux", "-L", self.sock, "new-session", "-d", "-s", "t", "-x", "120",
                        "-y", "40", "-c", cwd, "bash --norc --noprofile"], check=True)

    def send(self, *keys):
        subprocess.run(["tmux", "-L", self.sock, "send-keys", "-t", "t", *keys], check=True)

    def screen(self):
        return subprocess.run(["tmux", "-L", self.sock, "capture-pane", "-p", "-t", "t"],
                              capture_output=True, text=True).stdout

    def wait_for(self, text, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            s = self.screen()
            if text in s:
                return s
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; screen:\n{self.screen()}")

    def resize(self, x, y):
        subprocess.run(["tmux", "-L", self.sock, "resize-window", "-t", "t", "-x", str(x), "-y", str(y)],
                       check=True)

    def close(self):
        subprocess.run(["tmux", "-L", self.sock, "kill-server"], capture_output=True)


@pytest.fixture
def tmux(repo):
    t = Tmux(repo.path)
    yield t
    t.close()


def _modes(path):
    # the size line changes with a resize; every mode must come back
    return [l for l in open(path).read().splitlines() if not l.startswith("speed")]


def test_resize_reaches_the_box_and_terminal_is_restored(repo, tmux, tmp_path):
    os.chmod(tmp_path, 0o777)
    before, after = tmp_path / "before", tmp_path / "after"
    tmux.send(f"stty -a > {before}; {PIBOX} exec -- sh -c 'trap \"stty size\" WINCH; echo in-$((1+1))-box; "
              f"while :; do sleep 0.1; done'; stty -a > {after}; echo DONE-$((6*7))", "Enter")
    tmux.wait_for("in-2-box")
    tmux.resize(90, 25)
    tmux.wait_for("25 90")
    tmux.send("C-c")
    tmux.wait_for("DONE-42")
    assert _modes(before) == _modes(after)


def test_pi_ui_resize_and_quit(repo, tmux, tmp_path):
    prefix = os.environ.get("PIBOX_PI_PREFIX", "")
    if not prefix or not os.path.exists(os.path.join(prefix, "node_modules/.bin/pi")):
        pytest.skip("the real pi is not installed: set PIBOX_PI_PREFIX (tests/run.sh does)")
    from test_launcher import user_dirs, own
    from model_server import ModelServer, pi_config
    m = ModelServer([{"text": "hello from the scripted model"}])
    _, data, _ = user_dirs()
    pi_config(os.path.join(data, "agent"), m.port)
    own(data)
    os.chmod(tmp_path, 0o777)
    before, after = tmp_path / "before", tmp_path / "after"
    try:
        tmux.send(f"stty -a > {before}; PIBOX_PI_PREFIX={prefix} {PIBOX} --yes --forward {m.port} -- "
                  f"--provider scripted --model scripted --no-session; stty -a > {after}; echo DONE-$((6*7))",
                  "Enter")
        screen = tmux.wait_for("pi v", timeout=30)
        assert "scripted" in screen
        tmux.resize(100, 30)
        time.sleep(0.5)
        tmux.send("say hi")
        tmux.send("Enter")
        tmux.wait_for("hello from the scripted model", timeout=30)
        tmux.send("/quit")
        time.sleep(0.3)
        tmux.send("Enter")
        tmux.wait_for("DONE-42", timeout=20)
        assert _modes(before) == _modes(after)
    finally:
        m.close()
