"""Adds COUNT member users to a Portcullis database for the admin bench:
states spread over pending/active/banned/locked, levels 0-3, one profile
country each. Usage: seed_users.py DATABASE_URL COUNT"""
import subprocess
import sqlite3
import sys
import time

url, count = sys.argv[1], int(sys.argv[2])
now = int(time.time())
states = ["pending", "active", "active", "active", "banned", "locked"]
digest = "$2b$04$abcdefghijklmnopqrstuuAbCdEfGhIjKlMnOpQrStUvWxYz01234"

if url.startswith("sqlite://"):
    db = sqlite3.connect(url[len("sqlite://"):])
    db.executemany(
        "INSERT INTO users (uid, email, password_digest, role, state, level, otp, created_at, updated_at) "
        "VALUES (?, ?, ?, 'member', ?, ?, 0, ?, ?)",
        ((f"IDB{i:09X}", f"user{i}@bench.example", digest, states[i % len(states)], i % 4, now - i, now - i)
         for i in range(count)))
    db.commit()
    db.execute("ANALYZE")
else:
    # postgres://user@host:port/db?sslmode=disable
    rest = url.split("://", 1)[1].split("?")[0]
    user_host, database = rest.rsplit("/", 1)
    user, host_port = user_host.split("@")
    host, port = host_port.split(":")
    sql = f"""
        INSERT INTO users (uid, email, password_digest, role, state, level, otp, created_at, updated_at)
        SELECT 'IDB' || lpad(upper(to_hex(i)), 9, '0'), 'user' || i || '@bench.example', '{digest}', 'member',
               (ARRAY['pending','active','active','active','banned','locked'])[i % 6 + 1], i % 4, 0, {now} - i, {now} - i
        FROM generate_series(0, {count - 1}) AS i"""
    # VACUUM (a table at rest, as autovacuum leaves it) runs outside the insert's transaction.
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", port, "-U", user, "-d", database,
                    "-c", sql, "-c", "VACUUM ANALYZE users"], check=True)
