# SPDX-License-Identifier: MIT
"""`pibox` end to end with the real pi (from the npm registry) and a
scripted model server on the host's loopback, reached from the box with
--forward. pi's data dir is the box user's own; pi itself is shared from
PIBOX_PI_PREFIX (tests/run.sh installs it once)."""
import json
import os
import pwd
import signal
import subprocess
import time
import uuid

import pytest

from conftest import IS_ROOT, PIBOX, box_uid, run_in_pty
from model_server import ModelServer, pi_config

PI_PREFIX = os.environ.get("PIBOX_PI_PREFIX", "")
pytestmark = pytest.mark.skipif(
    not PI_PREFIX or not os.access(os.path.join(PI_PREFIX, "node_modules/.bin/pi"), os.X_OK),
    reason="the real pi is not installed: set PIBOX_PI_PREFIX to an npm prefix holding "
           "@mariozechner/pi-coding-agent (tests/run.sh does)")


def user_dirs():
    pw = pwd.getpwuid(box_uid())
    data = os.path.join(pw.pw_dir, ".local/share/pibox")
    state = os.path.join(pw.pw_dir, ".local/state/pibox")
    if not IS_ROOT and os.environ.get("XDG_DATA_HOME"):
        data = os.path.join(os.environ["XDG_DATA_HOME"], "pibox")
    if not IS_ROOT and os.environ.get("XDG_STATE_HOME"):
        state = os.path.join(os.environ["XDG_STATE_HOME"], "pibox")
    return pw, data, state


def own(path):
    if IS_ROOT:
        pw = pwd.getpwuid(box_uid())
        for d, _, files in os.walk(path):
            os.chown(d, pw.pw_uid, pw.pw_gid)
            for f in files:
                os.chown(os.path.join(d, f), pw.pw_uid, pw.pw_gid)


@pytest.fixture
def model():
    servers = []

    def make(*script):
        m = ModelServer(script)
        _, data, _ = user_dirs()
        pi_config(os.path.join(data, "agent"), m.port)
        own(data)
        servers.append(m)
        return m
    yield make
    for m in servers:
        m.close()


def pibox(repo, model, *args, input=None, timeout=90, env=None, **kw):
    e = {k: v for k, v in os.environ.items() if k != "PI_GH_TOKEN"}
    e.update(PIBOX_PI_PREFIX=PI_PREFIX, **(env or {}))
    return subprocess.run([PIBOX, "--yes", "--forward", str(model.port), *args],
                          cwd=repo.path, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL if input is None else None, input=input,
                          env=e, **kw)


PI = ("--provider", "scripted", "--model", "scripted", "--no-session")


def test_write_tool_creates_a_file_owned_by_the_user(repo, model):
    m = model({"tool": "write", "args": {"path": "from-pi.txt", "content": "written by pi\n"}},
              {"text": "wrote it"})
    r = pibox(repo, m, "-p", "write the file", *PI)
    assert r.returncode == 0, r.stderr
    assert "wrote it" in r.stdout
    path = os.path.join(repo.path, "from-pi.txt")
    assert open(path).read() == "written by pi\n"
    assert os.stat(path).st_uid == repo.uid
    assert any("Successfully wrote" in t for t in m.tool_results())


def test_bash_tool_cannot_reach_unlisted_hosts(repo, model):
    _, _, state = user_dirs()
    audit = os.path.join(state, "audit.log")
    before = os.path.getsize(audit) if os.path.exists(audit) else 0
    m = model({"tool": "bash", "args": {"command": "curl -sS https://example.com/ 2>&1; echo rc=$?"}},
              {"text": "ok"})
    r = pibox(repo, m, "-p", "fetch", *PI)
    assert r.returncode == 0, r.stderr
    out = m.tool_results()[0]
    assert "403" in out and "rc=56" in out
    with open(audit) as f:
        f.seek(before)
        lines = [json.loads(l) for l in f.read().splitlines()]
    assert os.stat(audit).st_uid == repo.uid  # the user's own log
    logs = subprocess.run([PIBOX, "logs", "--denied", "--audit-log", audit],
                          capture_output=True, text=True).stdout
    assert "example.com:443" in logs
    deny = [l for l in lines if l["host"] == "example.com"]
    assert deny and deny[0]["verdict"] == "deny" and "--allow example.com" in deny[0]["reason"]


def test_bash_tool_sees_no_host_secrets(repo, model):
    pw, _, _ = user_dirs()
    secret = os.path.join(pw.pw_dir, f".pibox-secret-{uuid.uuid4().hex}")
    host_auth = os.path.join(pw.pw_dir, ".pi/agent/auth.json")
    made_host_auth = not os.path.exists(host_auth)
    if made_host_auth:
        os.makedirs(os.path.dirname(host_auth), exist_ok=True)
        with open(host_auth, "w") as f:
            f.write('{"anthropic":{"type":"api_key","key":"host-secret-key"}}')
        own(os.path.join(pw.pw_dir, ".pi"))
    with open(secret, "w") as f:
        f.write("planted-secret\n")
    try:
        m = model({"tool": "bash", "args": {"command": f"cat {secret} ~/.pi/agent/auth.json {host_auth} 2>&1"}},
                  {"text": "ok"})
        r = pibox(repo, m, "-p", "look", *PI)
        assert r.returncode == 0, r.stderr
        out = m.tool_results()[0]
        assert "planted-secret" not in out and "host-secret-key" not in out
        assert "No such file" in out
    finally:
        os.unlink(secret)
        if made_host_auth:
            os.unlink(host_auth)


def test_bash_tool_cannot_plant_a_git_hook(repo, model):
    m = model({"tool": "bash", "args": {"command": "echo evil > .git/hooks/post-checkout; echo rc=$?"}},
              {"text": "ok"})
    r = pibox(repo, m, "-p", "hook", *PI)
    assert r.returncode == 0, r.stderr
    assert "Read-only file system" in m.tool_results()[0]
    assert not os.path.exists(os.path.join(repo.path, ".git/hooks/post-checkout"))


def _auth_path():
    _, data, _ = user_dirs()
    return os.path.join(data, "agent", "auth.json")


def _plant_auth():
    p = _auth_path()
    with open(p, "w") as f:
        f.write('{"anthropic":{"type":"api_key","key":"sk-test"}}')
    own(os.path.dirname(p))


def test_auth_is_wiped_at_exit(repo, model):
    m = model({"text": "hi"})
    _plant_auth()
    r = pibox(repo, m, "-p", "hi", *PI)
    assert r.returncode == 0, r.stderr
    assert json.load(open(_auth_path())) == {}


def _session_waiting_in_a_tool(repo, model):
    """pi logged in and busy in a bash tool: a session to interrupt."""
    m = model({"tool": "bash", "args": {"command": "sleep 60"}}, {"text": "late"})
    _plant_auth()
    e = dict(os.environ, PIBOX_PI_PREFIX=PI_PREFIX)
    p = subprocess.Popen([PIBOX, "--yes", "--forward", str(m.port), "-p", "wait", *PI],
                         cwd=repo.path, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=e)
    deadline = time.time() + 30
    while not m.requests and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    return p


def test_auth_is_wiped_after_sigterm(repo, model):
    p = _session_waiting_in_a_tool(repo, model)
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=30)
    assert json.load(open(_auth_path())) == {}


def test_a_killed_session_is_noticed_and_its_auth_wiped(repo, model):
    p = _session_waiting_in_a_tool(repo, model)
    p.kill()
    p.wait()
    time.sleep(0.3)
    assert "sk-test" in open(_auth_path()).read()  # SIGKILL: nothing could wipe
    m2 = model({"text": "next"})
    r = pibox(repo, m2, "-p", "again", *PI)
    assert "previous session was killed" in r.stderr
    assert json.load(open(_auth_path())) == {}


def test_keep_auth_keeps_it(repo, model):
    m = model({"text": "hi"})
    _plant_auth()
    r = pibox(repo, m, "--keep-auth", "-p", "hi", *PI)
    assert r.returncode == 0, r.stderr
    assert "sk-test" in open(_auth_path()).read()
    _plant_auth()


def test_arguments_reach_pi_untouched(repo, model):
    m = model({"text": "plain answer"}, {"text": "json answer"})
    r = pibox(repo, m, "-p", "first prompt", *PI)
    assert "plain answer" in r.stdout
    r = pibox(repo, m, "--", "--mode", "json", "-p", "second prompt", *PI)
    events = [json.loads(l) for l in r.stdout.splitlines() if l.startswith("{")]
    assert events and events[0]["type"] == "session"
    prompts = [json.dumps(req["messages"]) for req in m.requests]
    assert "first prompt" in prompts[0] and "second prompt" in prompts[1]


def test_pis_exit_status_is_pibox_s(repo, model):
    m = model({"text": "x"})
    m.close()  # the model is unreachable: pi says "Connection error." and exits 1
    r = pibox(repo, m, "-p", "hi", *PI)
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert "Connection error" in r.stderr


def test_outside_a_repository(tmp_path, model):
    d = tmp_path / "plain"
    d.mkdir()
    own(str(tmp_path))
    r = subprocess.run([PIBOX, "--yes"], cwd=d, capture_output=True, text=True,
                       env=dict(os.environ, PIBOX_PI_PREFIX=PI_PREFIX), stdin=subprocess.DEVNULL)
    assert r.returncode == 125
    assert r.stderr.strip() == "Error: not inside a git repository."


def test_gitignore_gets_entries_with_a_newline_first(repo, model):
    with open(os.path.join(repo.path, ".gitignore"), "w") as f:
        f.write("node_modules")  # no newline at the end
    repo.chown()
    m = model({"text": "hi"})
    r = pibox(repo, m, "-p", "hi", *PI)
    assert "[setup] Added .worktrees/ to .gitignore" in r.stdout
    assert "[setup] Added .pi/ to .gitignore" in r.stdout
    assert open(os.path.join(repo.path, ".gitignore")).read() == "node_modules\n.worktrees/\n.pi/\n"
    r = pibox(repo, m, "-p", "hi", *PI)
    assert "[setup]" not in r.stdout


def test_no_terminal_and_no_yes_means_no(repo, model):
    m = model({"text": "hi"})
    e = dict(os.environ, PIBOX_PI_PREFIX=PI_PREFIX)
    e.pop("PI_GH_TOKEN", None)
    r = subprocess.run([PIBOX, "--forward", str(m.port), "-p", "hi", *PI], cwd=repo.path,
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, env=e, timeout=60)
    assert r.returncode == 125
    assert "Continue without GitHub access? [y/N] n" in r.stderr
    assert not m.requests


def test_token_file_readable_by_others_is_refused(repo, model):
    import pathlib
    import shutil
    import tempfile
    tmp_path = pathlib.Path(tempfile.mkdtemp(dir="/var/tmp"))
    cfg = tmp_path / "cfg"
    (cfg / "pibox").mkdir(parents=True)
    tok = cfg / "pibox" / "gh-token"
    tok.write_text("ghp_example\n")
    tok.chmod(0o644)
    own(str(tmp_path))
    os.chmod(tmp_path, 0o755)
    m = model({"text": "hi"})
    r = pibox(repo, m, "-p", "hi", *PI, env={"XDG_CONFIG_HOME": str(cfg)})
    shutil.rmtree(tmp_path)
    assert r.returncode == 125 and "chmod 600" in r.stderr


def test_token_reaches_git_and_gh_in_the_box(repo, model):
    m = model({"tool": "bash", "args": {"command": "echo GH=$GH_TOKEN; cat ~/.git-credentials; git config user.name; stat -c %a ~/.git-credentials"}},
              {"text": "ok"})
    r = pibox(repo, m, "-p", "t", *PI, env={"PI_GH_TOKEN": "ghp_testtoken123"})
    assert r.returncode == 0, r.stderr
    out = m.tool_results()[0]
    assert "GH=ghp_testtoken123" in out
    assert "https://x-access-token:ghp_testtoken123@github.com" in out
    assert "pibox test" in out  # the repo's user.name
    assert out.strip().endswith("600")


@pytest.mark.parametrize("key,continues", [(b"y", True), (b"Y", True), (b"n", False), (b"x", False)])
def test_prompt_takes_one_key(repo, model, key, continues):
    m = model({"text": "answered"})
    _plant_auth()
    env = {k: v for k, v in os.environ.items() if k != "PI_GH_TOKEN"}
    env["PIBOX_PI_PREFIX"] = PI_PREFIX
    text, code, _, _ = run_in_pty([PIBOX, "--forward", str(m.port), "--keep-auth", "-p", "hi", *PI],
                                  repo.path, env=env, answer=(b"[y/N]", key), timeout=60)
    assert "Continue without GitHub access? [y/N]" in text
    if continues:
        assert code == 0 and "answered" in text, text
    else:
        assert code == 125 and not m.requests, text


def test_default_rules_reach_pi_only_without_the_repos_own(repo, model):
    m = model({"text": "one"}, {"text": "two"})
    r = pibox(repo, m, "-p", "hi", *PI)
    assert r.returncode == 0, r.stderr
    assert "pibox defaults" in json.dumps(m.requests[0]["messages"])
    assert not os.path.exists(os.path.join(repo.path, ".pi"))  # never written into the repo
    assert not os.path.exists(os.path.join(repo.path, "AGENTS.md"))
    with open(os.path.join(repo.path, "AGENTS.md"), "w") as f:
        f.write("# REPO-OWN-RULES\n")
    repo.chown()
    r = pibox(repo, m, "-p", "hi", *PI)
    sent = json.dumps(m.requests[1]["messages"])
    assert "REPO-OWN-RULES" in sent and "pibox defaults" not in sent
