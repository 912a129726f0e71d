# SPDX-License-Identifier: MIT
"""Fixtures for running the real pibox binary against real programs.

The suite runs twice in CI: as root, where pibox drops to the owner of the
test repository (PIBOX_TEST_UID), and as that unprivileged user itself.
"""
import fcntl
import os
import pty
import pwd
import select
import struct
import termios
import time
import shutil
import subprocess
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def _find(env, *candidates):
    if os.environ.get(env):
        return os.environ[env]
    for c in candidates:
        p = os.path.join(ROOT, c)
        if os.path.exists(p):
            return p
    raise RuntimeError(f"{env} not set and no built binary found; run meson/ninja first")


PIBOX = _find("PIBOX_BIN", "build/pibox")
PROBE = _find("PIBOX_PROBE", "build/tests/pibox-probe")
IS_ROOT = os.geteuid() == 0


def box_uid():
    """The uid that owns test repositories and runs inside the box."""
    if not IS_ROOT:
        return os.getuid()
    name = os.environ.get("PIBOX_TEST_USER", "pibox-ci")
    try:
        return pwd.getpwnam(name).pw_uid
    except KeyError:
        pytest.skip(f"running as root needs the test user {name!r} (.ci/run creates it)")


def _base_dir():
    # Not under /tmp: the box has a private /tmp, and a repository whose
    # parents sit on the box's read-only root makes "outside the repo"
    # testable.
    base = os.environ.get("PIBOX_TEST_BASE", "/var/tmp")
    return tempfile.mkdtemp(prefix="pibox-it-", dir=base)


class Repo:
    def __init__(self, path, uid):
        self.path = path
        self.uid = uid

    def chown(self):
        if IS_ROOT:
            gid = pwd.getpwuid(self.uid).pw_gid
            for dirpath, dirnames, filenames in os.walk(self.path):
                os.lchown(dirpath, self.uid, gid)
                for f in filenames:
                    os.lchown(os.path.join(dirpath, f), self.uid, gid)

    def pibox(self, *args, cwd=None, timeout=60, input=None, env=None, **kw):
        return subprocess.run([PIBOX, *args], cwd=cwd or self.path, timeout=timeout,
                              input=input, capture_output=True, text=True,
                              env=env, **kw)

    def exec(self, *cmd, opts=(), **kw):
        return self.pibox("exec", *opts, "--", *cmd, **kw)

    def probe(self, *args, opts=()):
        """Runs the probe in the box; returns its one line of output."""
        r = self.exec("./pibox-probe", *args, opts=opts)
        assert r.returncode == 0, f"probe {args} exited {r.returncode}: {r.stderr}"
        return r.stdout.strip()


def git(path, *args, check=True):
    return subprocess.run(["git", "-c", "safe.directory=*", "-C", path, *args], check=check,
                          capture_output=True, text=True)


def make_repo(uid):
    base = _base_dir()
    path = os.path.join(base, "repo")
    os.mkdir(path)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.email", "t@pibox.invalid")
    git(path, "config", "user.name", "pibox test")
    with open(os.path.join(path, "README"), "w") as f:
        f.write("test repo\n")
    git(path, "add", "README")
    git(path, "commit", "-q", "-m", "init")
    shutil.copy(PROBE, os.path.join(path, "pibox-probe"))
    repo = Repo(path, uid)
    repo.chown()
    os.chmod(base, 0o755)
    return repo, base


@pytest.fixture
def repo():
    r, base = make_repo(box_uid())
    yield r
    shutil.rmtree(base, ignore_errors=True)


def run_in_pty(argv, cwd, env=None, rows=33, cols=101, send=b"", answer=None, timeout=20):
    """Runs argv on a fresh pty of the given size; returns its output, exit
    code, and the pty's modes before and after. @send is typed after a
    moment; @answer = (prompt, reply) types reply once prompt appears."""
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(cwd)
        os.execve(argv[0], argv, env if env is not None else os.environ)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    before = termios.tcgetattr(fd)
    out = b""
    if send:
        time.sleep(0.3)
        os.write(fd, send)
    deadline = time.time() + timeout
    while time.time() < deadline:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
            if answer and answer[0] in out:
                os.write(fd, answer[1])
                answer = None
        elif os.waitpid(pid, os.WNOHANG)[0]:
            break
    after = termios.tcgetattr(fd)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return out.decode(errors="replace"), os.waitstatus_to_exitcode(status), before, after
