# SPDX-License-Identifier: MIT
"""Escape attempts from inside the box. Each asserts the specific failure
that the layer in charge produces, so removing that layer turns it red."""
import os
import pwd
import signal
import socket
import subprocess
import uuid

import pytest

from conftest import IS_ROOT


def _planted_secret_is_invisible(repo, home):
    secret = os.path.join(home, f".pibox-secret-{uuid.uuid4().hex}")
    with open(secret, "w") as f:
        f.write("token\n")
    try:
        assert repo.probe("read", secret) == "errno=ENOENT"
    finally:
        os.unlink(secret)


def test_secret_in_invoking_users_home_is_invisible(repo):
    _planted_secret_is_invisible(repo, os.path.expanduser("~"))


def test_box_users_real_home_is_not_mounted(repo):
    home = pwd.getpwuid(repo.uid).pw_dir
    if not os.path.isdir(home) or not os.access(home, os.W_OK):
        pytest.skip(f"the test user's home {home} is not writable here")
    _planted_secret_is_invisible(repo, home)


def test_other_users_files_and_root_are_invisible(repo):
    assert repo.probe("read", "/etc/shadow") == "errno=ENOENT"
    assert repo.probe("read", "/root/.bashrc") == "errno=ENOENT"
    assert repo.probe("read", "/var/log/dpkg.log") == "errno=ENOENT"


@pytest.mark.parametrize("path", ["/usr/pibox-escape", "/usr/bin/pibox-escape",
                                  "/etc/passwd", "/etc/pibox-escape", "/pibox-escape"])
def test_system_paths_are_read_only(repo, path):
    assert repo.probe("write", path) == "errno=EROFS"
    assert not os.path.exists(path) or path == "/etc/passwd"


def test_private_tmp_does_not_reach_host_tmp(repo):
    name = f"/tmp/pibox-escape-{uuid.uuid4().hex}"
    assert repo.probe("write", name) == "ok"
    assert not os.path.exists(name)


def test_outside_the_repository_is_read_only(repo):
    outside = os.path.join(os.path.dirname(repo.path), "outside")
    assert repo.probe("write", outside) == "errno=EROFS"
    assert not os.path.exists(outside)


def test_repository_is_writable_and_owned_by_the_user(repo):
    assert repo.probe("write", os.path.join(repo.path, "made-in-box")) == "ok"
    st = os.stat(os.path.join(repo.path, "made-in-box"))
    assert st.st_uid == repo.uid


@pytest.mark.parametrize("rel", [".git/hooks/pre-commit", ".git/config"])
def test_git_hooks_and_config_are_read_only(repo, rel):
    before = open(os.path.join(repo.path, ".git/config")).read()
    assert repo.probe("write", os.path.join(repo.path, rel)) == "errno=EROFS"
    assert not os.path.exists(os.path.join(repo.path, ".git/hooks/pre-commit"))
    assert open(os.path.join(repo.path, ".git/config")).read() == before


def test_existing_envrc_and_vscode_are_read_only(repo):
    for rel in (".envrc", ".vscode/tasks.json"):
        p = os.path.join(repo.path, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write("original\n")
    repo.chown()
    assert repo.probe("write", os.path.join(repo.path, ".envrc")) == "errno=EROFS"
    assert repo.probe("write", os.path.join(repo.path, ".vscode/evil.json")) == "errno=EROFS"


def test_created_protected_path_is_named_at_exit(repo):
    r = repo.exec("sh", "-c", "mkdir -p .pi/extensions && echo x > .pi/extensions/evil.ts && echo y > .envrc")
    assert r.returncode == 0
    assert ".pi/extensions" in r.stderr and "created" in r.stderr
    assert ".envrc" in r.stderr


@pytest.mark.parametrize("target", ["/usr", ".git/hooks"])
def test_read_only_binds_cannot_be_remounted(repo, target):
    if not target.startswith("/"):
        target = os.path.join(repo.path, target)
    assert repo.probe("remount-rw", target) == "errno=EPERM"


def test_mount_is_denied(repo):
    assert repo.probe("mount-tmpfs", "/tmp") == "errno=EPERM"
    assert repo.probe("umount", "/usr") == "errno=EPERM"


def test_no_nested_user_namespaces(repo):
    assert repo.probe("unshare-user") == "errno=EPERM"
    assert repo.probe("clone-newuser") == "errno=EPERM"
    r = repo.exec("unshare", "-U", "true")
    assert r.returncode != 0 and "Operation not permitted" in r.stderr


def test_no_capabilities_no_new_privs_seccomp(repo):
    out = repo.probe("ids")
    assert f"uid={repo.uid} euid={repo.uid}" in out
    assert "CapEff:\t0000000000000000" in out
    assert "CapBnd:\t0000000000000000" in out
    assert "NoNewPrivs:\t1" in out
    assert "Seccomp:\t2" in out
    assert repo.probe("setuid0") in ("errno=EINVAL", "errno=EPERM")


def test_setuid_and_file_capability_binaries_gain_nothing(repo):
    fixtures = os.environ.get("PIBOX_PRIV_FIXTURES")
    if IS_ROOT:
        import shutil
        suid = os.path.join(repo.path, "probe-suid")
        shutil.copy(os.path.join(repo.path, "pibox-probe"), suid)
        os.chown(suid, 0, 0)
        os.chmod(suid, 0o4755)
        cmds = [("./probe-suid", ())]
        capped = os.path.join(repo.path, "probe-cap")
        shutil.copy(os.path.join(repo.path, "pibox-probe"), capped)
        if subprocess.run(["setcap", "cap_setuid,cap_sys_admin+ep", capped]).returncode == 0:
            cmds.append(("./probe-cap", ()))
    elif fixtures and os.path.isdir(fixtures):
        cmds = [(os.path.join(fixtures, n), ("--ro", fixtures))
                for n in sorted(os.listdir(fixtures))]
    else:
        pytest.skip("no setuid fixtures: as a user, PIBOX_PRIV_FIXTURES must name "
                    "root-made setuid/setcap probes (.ci/run makes them)")
    for cmd, opts in cmds:
        r = repo.exec(cmd, "ids", opts=opts)
        assert r.returncode == 0, r.stderr
        assert f"euid={repo.uid}" in r.stdout and "CapEff:\t0000000000000000" in r.stdout, cmd


def test_init_cannot_be_traced_or_read(repo):
    assert repo.probe("ptrace-init") == "errno=EPERM"
    assert repo.probe("read", "/proc/1/environ") == "errno=EACCES"


def test_host_processes_are_invisible_and_unsignalable(repo):
    victim = subprocess.Popen(["sleep", "60"])
    try:
        pids = [int(p) for p in repo.probe("pids").split()]
        assert victim.pid not in pids and os.getpid() not in pids
        assert max(pids) < 64, pids
        assert repo.probe("kill", str(victim.pid), "15") == "errno=ESRCH"
        assert victim.poll() is None
    finally:
        victim.kill()
        victim.wait()


def test_tiocsti_is_denied(repo):
    assert repo.probe("tiocsti") == "errno=EPERM"
    assert repo.probe("tiocsti-high") == "errno=EPERM"


@pytest.mark.parametrize("call", ["io_uring", "keyctl", "bpf", "perf_event_open",
                                  "userfaultfd", "personality", "x32", "i386"])
def test_dangerous_syscalls_fail_with_eperm(repo, call):
    assert repo.probe(call) == "errno=EPERM"


def test_name_to_handle_at_is_denied(repo):
    assert repo.probe("name_to_handle_at", repo.path) == "errno=EPERM"


def test_proc_sys_is_read_only(repo):
    assert repo.probe("write", "/proc/sys/kernel/hostname") == "errno=EROFS"
    assert repo.probe("write", "/proc/sys/vm/drop_caches") == "errno=EROFS"
    if not os.path.exists("/proc/sysrq-trigger"):
        pytest.skip("this kernel has no /proc/sysrq-trigger (CONFIG_MAGIC_SYSRQ off)")
    assert repo.probe("write", "/proc/sysrq-trigger") == "errno=EROFS"


def test_host_loopback_tcp_is_unreachable(repo):
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    port = srv.getsockname()[1]
    try:
        assert repo.probe("connect-tcp", "127.0.0.1", str(port)) == "errno=ECONNREFUSED"
    finally:
        srv.close()


def test_host_abstract_unix_socket_is_unreachable(repo):
    name = f"pibox-test-{uuid.uuid4().hex}"
    srv = socket.socket(socket.AF_UNIX)
    srv.bind("\0" + name)
    srv.listen(4)
    try:
        out = repo.probe("connect-abstract", name)
        assert out in ("errno=ECONNREFUSED", "errno=EPERM")
    finally:
        srv.close()


def test_no_dns(repo):
    out = repo.probe("dns", "localhost.pibox.invalid")
    assert out.startswith("gai=")
    r = repo.exec("sh", "-c", "cat /proc/net/route | wc -l; ls /sys/class/net 2>/dev/null; ip -o link 2>/dev/null | wc -l")
    assert r.stdout.split()[0] == "1"  # only the header: no route at all


def test_fork_bomb_stopped_by_pids_limit(repo):
    out = repo.probe("fork-bomb", "2000", opts=("--pids", "64"))
    forks, err = out.split()
    assert err == "errno=EAGAIN"
    assert int(forks.split("=")[1]) < 64


def test_memory_hog_stopped_by_memory_limit(repo):
    r = repo.exec("./pibox-probe", "mem-hog", "512", opts=("--memory", "64m"))
    if "memory" in r.stderr and "not enforced" in r.stderr:
        pytest.skip("this machine cannot enforce a memory limit for this user: " +
                    r.stderr.strip().splitlines()[0])
    assert r.returncode == 128 + signal.SIGKILL, (r.returncode, r.stdout, r.stderr)
    assert "ok" not in r.stdout


def test_no_fd_of_the_supervisor_leaks(repo):
    extra = os.open("/dev/null", os.O_RDONLY)
    try:
        r = repo.exec("./pibox-probe", "fds", pass_fds=(extra,))
        assert r.stdout.split() == ["0", "1", "2"]
    finally:
        os.close(extra)


def _landlock_abi():
    import subprocess as sp
    from conftest import PIBOX
    out = sp.run([PIBOX, "doctor"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith("OK") and "landlock" in line:
            return int(line.split("ABI")[1].split()[0])
    return 0


def test_signals_outside_the_landlock_domain_are_denied(repo):
    abi = _landlock_abi()
    if abi < 6:
        pytest.skip(f"Landlock ABI {abi} has no signal scoping (needs ABI 6, Linux 6.12)")
    # pid 1 is init, outside the command's Landlock domain
    assert repo.probe("kill", "1", "15") == "errno=EPERM"
