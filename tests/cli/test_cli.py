"""The command line as a user meets it: exit codes 0/1/2 and one-line errors."""

import json
import os
import subprocess
import sys

from typer.testing import CliRunner

from qtqms import __version__
from qtqms.app.cli import app
from tests.builders import make_org, make_user

runner = CliRunner()


def qtqms(*args, env=None):
    """Run the real console entry point in a fresh process (for settings that are read at start-up)."""
    return subprocess.run(
        [sys.executable, "-m", "qtqms", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"qtqms {__version__}"


def test_init_demo_then_again_is_refused_unless_if_needed(db):
    first = runner.invoke(app, ["init", "--demo"])
    assert first.exit_code == 0, first.output
    assert "alex.admin" in first.output and "admin password" in first.output
    again = runner.invoke(app, ["init", "--demo"])
    assert again.exit_code == 2 and "already initialised" in again.output
    quiet = runner.invoke(app, ["init", "--demo", "--if-needed"])
    assert quiet.exit_code == 0 and "nothing to do" in quiet.output
    users = json.loads(runner.invoke(app, ["user", "list", "--json"]).output)
    assert {u["role"] for u in users} == {
        "admin",
        "quality_manager",
        "risk_owner",
        "engineer",
        "ethics_officer",
        "auditor",
        "viewer",
    }
    assert all(u["is_demo"] for u in users)
    scope = json.loads(runner.invoke(app, ["org", "show", "--json"]).output)
    assert scope["organisation"]["is_demo"] is True
    # The lifecycle demo adds the 27-qubit processor's 100-qubit successor (QPU-NEXT).
    assert sorted(p["technology"] for p in scope["products"]) == ["communication", "computing", "computing", "sensing"]


def test_demo_passwords_are_generated_not_fixed(db, snapshots):
    first = runner.invoke(app, ["init", "--demo"]).output
    snapshots.empty()
    second = runner.invoke(app, ["init", "--demo"]).output
    password = [line for line in first.splitlines() if "admin password" in line]
    assert password and password != [line for line in second.splitlines() if "admin password" in line]


def test_user_lifecycle_and_errors(db):
    admin = make_org(db)
    make_user(db, admin, "kim", "viewer")
    created = runner.invoke(app, ["user", "create", "lee", "--role", "auditor"])
    assert created.exit_code == 0 and "password (shown once)" in created.output
    duplicate = runner.invoke(app, ["user", "create", "lee", "--role", "auditor"])
    assert duplicate.exit_code == 2 and duplicate.output.strip() == "error: user 'lee' already exists"
    unknown = runner.invoke(app, ["user", "create", "max", "--role", "emperor"])
    assert unknown.exit_code == 2 and "unknown role 'emperor'" in unknown.output
    assert runner.invoke(app, ["user", "set-role", "kim", "engineer"]).exit_code == 0
    assert runner.invoke(app, ["user", "disable", "kim"]).exit_code == 0
    listed = {u["username"]: u for u in json.loads(runner.invoke(app, ["user", "list", "--json"]).output)}
    assert listed["kim"]["role"] == "engineer" and listed["kim"]["disabled"] is True
    missing = runner.invoke(app, ["user", "disable", "nobody"])
    assert missing.exit_code == 2 and "user 'nobody' not found" in missing.output


def test_cli_acts_as_the_named_user_and_respects_their_role(db):
    admin = make_org(db)
    make_user(db, admin, "val", "viewer")
    denied = runner.invoke(app, ["--as", "val", "user", "create", "x1", "--role", "viewer"])
    assert denied.exit_code == 2 and "may not" in denied.output
    trail = runner.invoke(app, ["--as", "val", "trail", "list"])
    assert trail.exit_code == 2 and "trail:read" in trail.output


def test_token_create_list_revoke(db):
    make_org(db)
    created = runner.invoke(app, ["token", "create", "ci", "--expires-in-days", "7"])
    assert created.exit_code == 0 and "secret (shown once): qtq_" in created.output
    tokens = json.loads(runner.invoke(app, ["token", "list", "--json"]).output)
    assert tokens[0]["name"] == "ci" and tokens[0]["revoked_at"] is None
    assert runner.invoke(app, ["token", "revoke", str(tokens[0]["id"])]).exit_code == 0
    again = runner.invoke(app, ["token", "revoke", str(tokens[0]["id"])])
    assert again.exit_code == 2 and "already revoked" in again.output


def test_trail_export_is_json_lines_with_hashes(db, tmp_path):
    make_org(db)
    out = tmp_path / "trail.jsonl"
    assert runner.invoke(app, ["trail", "export", "-o", str(out)]).exit_code == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [e["seq"] for e in lines] == list(range(1, len(lines) + 1))
    assert all(len(e["hash"]) == 64 for e in lines) and lines[1]["prev_hash"] == lines[0]["hash"]


def test_bad_usage_exits_2():
    assert runner.invoke(app, ["user", "create"]).exit_code == 2


def test_malformed_database_url_is_one_line_exit_2():
    result = qtqms("user", "list", env={"QTQMS_DATABASE_URL": "mysql://nope"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: QTQMS_DATABASE_URL: Value error, must start with sqlite:// or postgresql+psycopg://"
    ]


def test_unreachable_database_is_one_line_exit_2():
    result = qtqms("db", "upgrade", env={"QTQMS_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: cannot open the database") and len(result.stderr.strip().splitlines()) == 1


def test_unwritable_data_dir_is_one_line_exit_2(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    env = {"QTQMS_DATA_DIR": str(blocker / "data"), "QTQMS_DATABASE_URL": "", "QTQMS_SECRET_KEY": ""}
    result = qtqms("init", "--demo", env=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: QTQMS_DATA_DIR {blocker / 'data'}: not writable")


def test_bad_port_is_one_line_exit_2():
    result = qtqms("serve", env={"QTQMS_PORT": "99999"})
    assert result.returncode == 2 and result.stderr.startswith("error: QTQMS_PORT:")


def test_fewer_threads_than_connections_is_one_line_exit_2():
    result = qtqms("serve", env={"QTQMS_DB_POOL_SIZE": "30", "QTQMS_WEB_THREADS": "10"})
    assert result.returncode == 2 and result.stderr.startswith("error: QTQMS_WEB_THREADS: Value error, must be at")


def test_uninitialised_database_says_what_to_run(tmp_path):
    env = {"QTQMS_DATA_DIR": str(tmp_path), "QTQMS_DATABASE_URL": ""}
    result = qtqms("user", "list", env=env)
    assert result.returncode == 2 and "run 'qtqms init'" in result.stderr


def test_secret_key_is_generated_once_with_mode_0600(tmp_path):
    env = {"QTQMS_DATA_DIR": str(tmp_path), "QTQMS_DATABASE_URL": "", "QTQMS_SECRET_KEY": ""}
    assert qtqms("init", "--organisation", "Solo Labs", env=env).returncode == 0
    key_file = tmp_path / "secret_key"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600" and len(key_file.read_text()) >= 40


def test_root_help_lists_every_slice_without_loading_them():
    probe = (
        "import sys\n"
        "from qtqms.app.cli import SLICE_COMMANDS, app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        "shells = ('qtqms.app.cli', 'qtqms.kit.cli')\n"
        "loaded = sorted(m for m in sys.modules if m.endswith('.cli') and m.startswith('qtqms.') and m not in shells)\n"
        "print('LOADED', loaded)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    from qtqms.app.cli import SLICE_COMMANDS

    for name in SLICE_COMMANDS:
        assert f"  {name} " in result.stdout
    assert "LOADED []" in result.stdout


def test_slice_commands_load_on_demand_with_their_own_help():
    result = runner.invoke(app, ["risk", "--help"])
    assert result.exit_code == 0 and "install-completion" not in result.output and "mosca" in result.output
