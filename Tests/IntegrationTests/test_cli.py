"""The CLI contract: subcommands and exit codes."""
import json
import os
import tempfile

import requests

from conftest import STRONG, Server, run_cli


def test_version():
    r = run_cli("version")
    assert r.returncode == 0
    assert r.stdout.startswith("portcullis ")


def test_unknown_config_key_exits_64_naming_it():
    d = tempfile.mkdtemp()
    path = os.path.join(d, "c.json")
    with open(path, "w") as f:
        json.dump({"sesion_name": "x"}, f)
    r = run_cli("serve", "--config", path)
    assert r.returncode == 64
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "sesion_name" in lines[0]


def test_malformed_env_value_exits_64():
    r = run_cli("migrate", env={"BARONG_SESSION_EXPIRE_TIME": "soon"})
    assert r.returncode == 64
    assert "BARONG_SESSION_EXPIRE_TIME" in r.stderr


def test_bad_usage_exits_64():
    assert run_cli("users", "create").returncode == 64


def test_keys_generate_writes_a_pem_pair():
    d = tempfile.mkdtemp()
    r = run_cli("keys", "generate", "--out", d)
    assert r.returncode == 0, r.stderr
    assert open(os.path.join(d, "jwt-private.pem")).read().startswith("-----BEGIN")
    assert "PUBLIC KEY" in open(os.path.join(d, "jwt-public.pem")).read()
    assert oct(os.stat(os.path.join(d, "jwt-private.pem")).st_mode & 0o777) == "0o600"


def test_migrate_then_users_create_then_login():
    s = Server()
    env = {k: v for k, v in s.env.items() if k.startswith("BARONG_")}
    r = run_cli("migrate", env=env, cwd=s.dir)
    assert r.returncode == 0, r.stderr
    assert run_cli("migrate", env=env, cwd=s.dir).returncode == 0
    r = run_cli("users", "create", "--email", "Root@Example.com", "--password", STRONG, "--role", "admin",
                env=env, cwd=s.dir)
    assert r.returncode == 0, r.stderr
    assert "root@example.com role=admin state=active" in r.stdout
    r = run_cli("users", "create", "--email", "root@example.com", "--password", STRONG, env=env, cwd=s.dir)
    assert r.returncode == 1
    s.start()
    try:
        r = requests.post(s.url("/identity/sessions"), json={"email": "root@example.com", "password": STRONG})
        assert r.status_code == 200
        assert r.json()["role"] == "admin" and r.json()["level"] == 1
    finally:
        assert s.stop() == 0


def test_json_logs_and_development_key_warning(make_server):
    s = make_server(env={"BARONG_LOG_FORMAT": "json"})
    requests.get(s.url("/public/ping"))
    s.stop()
    lines = [json.loads(line) for line in s.logs().splitlines() if line.strip()]
    assert any(l.get("message") == "request" and l.get("path") == "/api/v2/auth/public/ping" for l in lines)
    assert any("DEVELOPMENT SIGNING KEY" in l.get("message", "") for l in lines)
    assert os.path.exists(os.path.join(s.dir, "data", "jwt-private.pem"))


def test_settings_prints_the_configuration_reference_and_defaults():
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    r = run_cli("settings", "--markdown")
    assert r.returncode == 0, r.stderr
    assert r.stdout == open(os.path.join(repo, "docs", "configuration.md")).read()
    r = run_cli("settings")
    assert r.returncode == 0, r.stderr
    lines = dict(line.split("=", 1) for line in r.stdout.splitlines())
    assert lines["session_expire_time"] == "1800" and lines["captcha"] == "none"
    assert set(lines) == set(json.load(open(os.path.join(repo, "config.example.json"))))


def test_the_readme_five_minute_walkthrough_runs_as_written(server):
    """README.md's walk-through, every shell block of it that needs no mailed token, in order."""
    import re
    import subprocess
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    readme = open(os.path.join(repo, "README.md")).read()
    section = readme.split("## Five minutes with it", 1)[1].split("\n## ", 1)[0]
    blocks = [b for b in re.findall(r"```sh\n(.*?)```", section, re.S) if "<TOKEN>" not in b]
    assert len(blocks) >= 5, blocks
    script = "\n".join(blocks).replace("http://127.0.0.1:8001", f"http://127.0.0.1:{server.port}")
    script += '\necho "csrf=$CSRF"\n'
    r = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=tempfile.mkdtemp(dir=server.dir), env=server.env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert '"email":"someone@example.com"' in r.stdout, "users/me answers for the signed-up user"
    assert re.search(r"^csrf=\S{20,}$", r.stdout, re.M), "the login answer carries the CSRF token"
    assert re.search(r"^authorization: Bearer [\w-]+\.[\w-]+\.[\w-]+\s*$", r.stdout, re.M | re.I), r.stdout
