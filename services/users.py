"""Manage the people who may edit action plans (command line; see README "Editing and users").

    python -m services.users create --username focal-1 --role editor --city <city_id>
    python -m services.users create --username admin --role admin
    python -m services.users set-password --username focal-1
    python -m services.users disable --username focal-1        # or: enable
    python -m services.users list

The password is asked for twice at a prompt, or read from the first line of standard input with
`--password-stdin` (for scripts: `printf '%s\\n' "$PW" | python -m services.users create ...`).
It is stored only as an argon2id hash. The database is DATABASE_URL (default: SQLite
`.data/app.db`); it is created or migrated first.
"""

from __future__ import annotations

import argparse
import csv
import getpass
import sys

from domain.queries import load_build
from services import db
from services.config import ROOT, settings


def known_cities() -> set[str]:
    """City ids of the current data build (or of data/src when there is no build yet)."""
    try:
        return set(load_build(settings.data_build_dir)["cities"]["city_id"])
    except Exception:  # noqa: BLE001 - no build yet: read the source table
        with (ROOT / "data" / "src" / "cities.csv").open(encoding="utf-8") as fh:
            return {row["city_id"] for row in csv.DictReader(fh)}


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat password: ") != first:
        raise ValueError("the passwords differ")
    return first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.users", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create", help="add a user")
    create.add_argument("--username", required=True)
    create.add_argument("--role", required=True, choices=db.ROLES)
    create.add_argument("--city", help="city_id the editor reports for (editors only)")
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    password = sub.add_parser("set-password", help="set a new password (ends the user's open sessions)")
    password.add_argument("--username", required=True)
    password.add_argument("--password-stdin", action="store_true")
    for name in ("disable", "enable"):
        sub.add_parser(name, help=f"{name} a user").add_argument("--username", required=True)
    sub.add_parser("list", help="list users")
    args = parser.parse_args(argv)

    db.upgrade()
    engine = db.get_engine()
    try:
        if args.command == "create":
            username = args.username.strip().lower()
            if args.city and args.city not in known_cities():
                raise ValueError(f"unknown city '{args.city}' (known: {', '.join(sorted(known_cities()))})")
            problems = db.check_new_user(username, "x" * db.PASSWORD_MIN, args.role, args.city)
            if problems:
                raise ValueError("; ".join(problems))
            account = db.create_user(
                engine, username, read_password(args.password_stdin), args.role, args.city
            )
            print(
                f"created {account.role} '{account.username}'"
                + (f" for {account.city_id}" if account.city_id else "")
            )
        elif args.command == "set-password":
            db.set_password(engine, args.username.strip().lower(), read_password(args.password_stdin))
            print(f"password changed for '{args.username}'")
        elif args.command in ("disable", "enable"):
            db.set_active(engine, args.username.strip().lower(), args.command == "enable")
            print(f"{args.command}d '{args.username}'")
        else:
            users = db.list_users(engine)
            print(users.to_string(index=False) if len(users) else "no users")
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    finally:
        db.dispose_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
