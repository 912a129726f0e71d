# SPDX-License-Identifier: MIT
"""What the box does for a user: exit codes, signals, identity, environment,
git inside, the terminal, doctor, and clear failures."""
import os
import shutil
import signal
import subprocess
import time
import uuid

import pytest

from conftest import IS_ROOT, PIBOX, Repo, git, make_repo, run_in_pty


def test_exit_status_is_the_commands(repo):
    assert repo.exec("./pibox-probe", "exit", "7").returncode == 7
    assert repo.exec("./pibox-probe", "exit", "0").returncode == 0
    assert repo.exec("./pibox-probe", "signal", "15").returncode == 128 + 15
    assert repo.exec("./pibox-probe", "signal", "9").returncode == 128 + 9


def test_command_not_found_is_127(repo):
    r = repo.exec("no-such-command-pibox")
    assert r.returncode == 127
    assert "no-such-command-pibox" in r.stderr


def test_runs_at_the_repository_path_as_the_user(repo):
    sub = os.path.join(repo.path, "sub")
    os.mkdir(sub)
    repo.chown()
    r = repo.exec("sh", "-c", "pwd; id -u; hostname", cwd=sub)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [sub, str(repo.uid), "pibox"]


def test_environment_is_cleared(repo):
    env = dict(os.environ, PIBOX_TEST_SECRET="hunter2", TERM="xterm-test", LANG="C.UTF-8")
    r = repo.exec("env", opts=("--env", "GIVEN=1", "--env", "PIBOX_TEST_PASS"),
                  env=dict(env, PIBOX_TEST_PASS="yes"))
    lines = set(r.stdout.splitlines())
    assert "PIBOX_TEST_SECRET=hunter2" not in lines
    assert {"GIVEN=1", "PIBOX_TEST_PASS=yes", "TERM=xterm-test", "LANG=C.UTF-8"} <= lines
    assert any(l.startswith("HOME=") for l in lines)
    assert not any(l.startswith("SSH_AUTH_SOCK=") for l in lines)


def test_home_and_tmp_are_private_and_writable(repo):
    r = repo.exec("sh", "-c", 'echo hi > "$HOME/x" && echo hi > /tmp/x && cat "$HOME/x" /tmp/x')
    assert r.returncode == 0, r.stderr
    assert r.stdout == "hi\nhi\n"


def test_sigterm_reaches_the_command(repo):
    p = subprocess.Popen([PIBOX, "exec", "--", "sh", "-c",
                          'trap "exit 42" TERM; echo ready; while :; do sleep 0.05; done'],
                         cwd=repo.path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "ready"
    p.send_signal(signal.SIGTERM)
    assert p.wait(timeout=10) == 42


def _alive(marker):
    out = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout
    return out.split()


def test_box_dies_with_the_supervisor(repo):
    marker = f"pibox-marker-{uuid.uuid4().hex}"
    p = subprocess.Popen([PIBOX, "exec", "--", "sh", "-c", f"echo ready; exec ./pibox-probe sleep 300 {marker}"],
                         cwd=repo.path, stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "ready"
        deadline = time.time() + 5
        while not _alive(marker) and time.time() < deadline:
            time.sleep(0.02)
        assert _alive(marker), "the boxed sleep never started"
        p.kill()
        p.wait()
        deadline = time.time() + 5
        while _alive(marker) and time.time() < deadline:
            time.sleep(0.02)
        assert not _alive(marker), "the box outlived its supervisor"
    finally:
        p.kill()
        for pid in _alive(marker):
            os.kill(int(pid), signal.SIGKILL)


def test_leftover_processes_are_killed_when_the_command_exits(repo):
    marker = f"pibox-marker-{uuid.uuid4().hex}"
    r = repo.exec("sh", "-c", f"(./pibox-probe sleep 300 {marker} &) ; echo started")
    assert r.returncode == 0 and "started" in r.stdout
    time.sleep(0.1)
    assert not _alive(marker)


def test_git_works_inside(repo):
    r = repo.exec("sh", "-c", "echo change >> README && git add README && "
                  "git -c user.name=a -c user.email=a@b commit -qm boxed && git log --oneline | head -1")
    assert r.returncode == 0, r.stderr
    assert "boxed" in r.stdout
    assert "boxed" in git(repo.path, "log", "--oneline").stdout


def test_git_works_in_a_linked_worktree(repo):
    wt = os.path.join(os.path.dirname(repo.path), "wt")
    git(repo.path, "worktree", "add", "-q", "-b", "feature", wt)
    shutil.copy(os.path.join(repo.path, "pibox-probe"), wt)
    Repo(os.path.dirname(repo.path), repo.uid).chown()
    w = Repo(wt, repo.uid)
    r = w.exec("sh", "-c", "echo wt > f && git add f && "
               "git -c user.name=a -c user.email=a@b commit -qm in-worktree && git status --short")
    assert r.returncode == 0, r.stderr
    assert "in-worktree" in git(repo.path, "log", "--oneline", "feature").stdout
    # the shared hooks and config stay read-only from the worktree too
    assert w.probe("write", os.path.join(repo.path, ".git/hooks/post-checkout")) == "errno=EROFS"
    assert w.probe("write", os.path.join(repo.path, ".git/config")) == "errno=EROFS"
    # but the main checkout's files are not part of a worktree's box
    assert w.probe("write", os.path.join(repo.path, "README")) == "errno=EROFS"


def test_outside_a_repository_the_cwd_is_writable(repo):
    d = os.path.join(os.path.dirname(repo.path), "plain")
    os.mkdir(d)
    shutil.copy(os.path.join(repo.path, "pibox-probe"), d)
    Repo(os.path.dirname(repo.path), repo.uid).chown()
    p = Repo(d, repo.uid)
    assert p.probe("write", os.path.join(d, "x")) == "ok"
    assert p.probe("write", os.path.join(repo.path, "x")) == "errno=ENOENT"


def test_ro_and_rw_binds(repo):
    base = os.path.dirname(repo.path)
    ro, rw = os.path.join(base, "ro"), os.path.join(base, "rw")
    os.mkdir(ro)
    os.mkdir(rw)
    with open(os.path.join(ro, "data"), "w") as f:
        f.write("data\n")
    Repo(base, repo.uid).chown()
    assert repo.probe("read", os.path.join(ro, "data"), opts=("--ro", ro)) == "ok"
    assert repo.probe("write", os.path.join(ro, "data"), opts=("--ro", ro)) == "errno=EROFS"
    assert repo.probe("write", os.path.join(rw, "new"), opts=("--rw", rw)) == "ok"
    assert os.path.exists(os.path.join(rw, "new"))


@pytest.mark.parametrize("args,needle", [
    (["exec", "--bogus", "--", "true"], "unknown option '--bogus'"),
    (["exec", "--memory", "lots", "--", "true"], "--memory lots"),
    (["exec", "--cpus", "-1", "--", "true"], "--cpus"),
    (["exec", "--pids", "3", "--", "true"], "--pids"),
    (["exec", "--env", "BAD-NAME=1", "--", "true"], "BAD-NAME"),
    (["exec", "--ro", "/nonexistent/pibox", "--", "true"], "/nonexistent/pibox"),
    (["exec"], "no command"),
])
def test_bad_input_fails_closed_with_one_line(repo, args, needle):
    r = repo.pibox(*args)
    assert r.returncode == 125
    assert needle in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_refuses_a_home_directory_as_the_writable_tree(repo):
    home = os.path.expanduser("~")
    r = subprocess.run([PIBOX, "exec", "--", "true"], cwd=home, capture_output=True, text=True)
    if IS_ROOT and os.stat(home).st_uid == 0:
        assert r.returncode == 125 and "--user" in r.stderr
    else:
        assert r.returncode == 125 and "home directory" in r.stderr


@pytest.mark.skipif(not IS_ROOT, reason="choosing the box's user is root's case")
def test_root_runs_as_the_trees_owner_and_never_as_root(repo):
    r = repo.exec("id", "-u")
    assert r.stdout.strip() == str(repo.uid)
    rootrepo, base = make_repo(0)
    try:
        os.chown(rootrepo.path, 0, 0)
        r = rootrepo.exec("id", "-u")
        assert r.returncode == 125
        assert "--user" in r.stderr and len(r.stderr.strip().splitlines()) == 1
        r = rootrepo.exec("id", "-u", opts=("--user", f"{repo.uid}:{repo.uid}"))
        assert r.returncode == 0 and r.stdout.strip() == str(repo.uid)
        r = rootrepo.exec("id", "-u", opts=("--user", "0"))
        assert r.returncode == 125
    finally:
        shutil.rmtree(base)


def test_terminal_gets_its_own_pty_with_size_and_is_restored(repo):
    out, code, before, after = run_in_pty(
        [PIBOX, "exec", "--", "sh", "-c", "tty; stty size; ./pibox-probe tiocsti; exit 3"],
        repo.path)
    assert code == 3, out
    assert "/dev/pts/0" in out
    assert "33 101" in out
    assert "errno=EPERM" in out
    assert before == after, "the terminal's modes were not restored"


def test_ctrl_c_reaches_the_command_not_pibox(repo):
    out, code, before, after = run_in_pty(
        [PIBOX, "exec", "--", "sh", "-c", 'trap "echo got-int; exit 5" INT; echo ready; sleep 5; sleep 5'],
        repo.path, send=b"\x03")
    assert "got-int" in out, out
    assert code == 5
    assert before == after


def test_shell_is_interactive(repo):
    out, code, _, _ = run_in_pty([PIBOX, "shell"], repo.path,
                                  send=b"echo in-$((6*7))-box; exit 4\n")
    assert "in-42-box" in out, out
    assert code == 4


def test_doctor_reports_each_layer():
    r = subprocess.run([PIBOX, "doctor"], capture_output=True, text=True)
    assert r.returncode in (0, 1)
    names = ["user namespaces", "landlock", "seccomp", "limits", "pty"]
    lines = r.stdout.splitlines()
    for n in names:
        assert any(l.split()[0] in ("OK", "FIX") and n in l for l in lines), (n, r.stdout)
    assert "OK   user namespaces" in r.stdout
    assert "OK   seccomp" in r.stdout
