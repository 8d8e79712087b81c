"""Migrations cannot drift: an applied migration whose file changed stops
start-up naming it, and both dialects build the same tables and columns."""
import sqlite3

import pytest

from conftest import BACKEND, Server, postgres_cluster, run_cli


def _cli_env(server):
    return {k: v for k, v in server.env.items() if k.startswith("BARONG_")}


def _execute(server, statement):
    url = server.env["BARONG_DATABASE_URL"]
    if url.startswith("postgres://"):
        server.sql(statement)
        return
    with sqlite3.connect(url[len("sqlite://"):]) as db:
        db.execute(statement)


def test_a_changed_applied_migration_stops_start_up_naming_it():
    s = Server()
    env = _cli_env(s)
    r = run_cli("migrate", env=env, cwd=s.dir)
    assert r.returncode == 0, r.stderr
    # What an edited 0002 file would look like from the database's side.
    _execute(s, "UPDATE schema_migrations SET checksum = 'edited' WHERE name = '0002_default_permissions'")
    for args, extra in ((["migrate"], {}), (["serve"], {"BARONG_AUTO_MIGRATE": "false"}), (["serve"], {})):
        r = run_cli(*args, env={**env, **extra}, cwd=s.dir)
        assert r.returncode == 1, (args, extra, r.stderr)
        assert "migration 0002_default_permissions was changed after it was applied" in r.stderr, r.stderr
    # Put back, everything starts again.
    _execute(s, "UPDATE schema_migrations SET checksum = NULL WHERE name = '0002_default_permissions'")
    r = run_cli("migrate", env=env, cwd=s.dir)
    assert r.returncode == 0, r.stderr


@pytest.mark.skipif(BACKEND != "postgres", reason="needs both backends")
def test_both_dialects_build_the_same_tables_and_columns(tmp_path):
    r = run_cli("migrate", env={"BARONG_DATABASE_URL": f"sqlite://{tmp_path}/schema.sqlite3"})
    assert r.returncode == 0, r.stderr
    with sqlite3.connect(f"{tmp_path}/schema.sqlite3") as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        sqlite_columns = {f"{table}.{row[1]}" for table in tables for row in db.execute(f"PRAGMA table_info({table})")}
    cluster = postgres_cluster()
    database = cluster.create_database()
    r = run_cli("migrate", env={"BARONG_DATABASE_URL": cluster.url(database)})
    assert r.returncode == 0, r.stderr
    postgres_columns = set(cluster.psql(
        "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = 'public'", database
    ).split())
    assert len(sqlite_columns) > 100
    assert sqlite_columns == postgres_columns, {"sqlite only": sqlite_columns - postgres_columns,
                                                "postgres only": postgres_columns - sqlite_columns}
