"""Storage of the editing feature: users, the latest state of each action, its saved updates and
the audit log (SQLAlchemy 2; SQLite file by default, PostgreSQL when DATABASE_URL says so).

The schema is made by the Alembic migrations in `migrations/` (`upgrade()` runs them, once, under
a lock, so several gunicorn workers can start together). Saves use optimistic locking: a save
names the version it was based on and is refused, with the other change described, when the
action has moved on since.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Engine,
    Float,
    Index,
    Integer,
    String,
    Text,
    create_engine,
    delete,
    event,
    func,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from domain.actions import ActionState, Issue, changed_fields, validate_update
from domain.city_plans import PLAN_FIELDS, PlanAction, next_action_id, plan_changes
from services.config import ROOT, settings

ROLES = ("admin", "editor")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.\-]{2,63}$")
PASSWORD_MIN = 10
_hasher = PasswordHasher()  # argon2id with the library's recommended parameters
_DUMMY_HASH = _hasher.hash("timing-equaliser-not-a-password")


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    city_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    __table_args__ = (CheckConstraint("role in ('admin', 'editor')", name="ck_users_role"),)


class SavedActionState:
    """The columns of one saved state of an action (its latest, and each in its history)."""

    version: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    progress_pct: Mapped[int] = mapped_column(Integer, nullable=False)
    actual_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    actual_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_by: Mapped[str] = mapped_column(String(64), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class ActionStateRow(SavedActionState, Base):
    """The latest saved state of an action (absent: the baseline from the data build holds)."""

    __tablename__ = "action_state"
    action_id: Mapped[str] = mapped_column(String(80), primary_key=True)


class ActionUpdateRow(SavedActionState, Base):
    """Every saved update (the public progress history after the baseline)."""

    __tablename__ = "action_updates"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    action_id: Mapped[str] = mapped_column(String(80), nullable=False, index=True)


class AuditLog(Base):
    """One row per changed field of every save: who, when, which action, old and new value."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)
    username: Mapped[str] = mapped_column(String(64), nullable=False)
    action_id: Mapped[str] = mapped_column(String(80), nullable=False, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    field: Mapped[str] = mapped_column(String(32), nullable=False)
    old: Mapped[str | None] = mapped_column(Text, nullable=True)
    new: Mapped[str | None] = mapped_column(Text, nullable=True)


class SignInSession(Base):
    """A signed-in session, as the server knows it: ended at sign-out, limited in idle and total time."""

    __tablename__ = "sign_in_sessions"
    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class SignInAttempt(Base):
    """One sign-in attempt that carried a valid form token: counted for throttling by every worker."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (  # the throttle counts recent attempts by address and by user name
        Index("ix_sign_in_attempts_address_at", "address", "at"),
        Index("ix_sign_in_attempts_username_at", "username", "at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    address: Mapped[str] = mapped_column(String(64), nullable=False)
    username: Mapped[str] = mapped_column(String(64), nullable=False)
    succeeded: Mapped[bool] = mapped_column(Boolean, nullable=False)


class PlanActionRow(Base):
    """An action of a city's own plan, written in the app by its focal point (or an administrator)."""

    __tablename__ = "plan_actions"
    action_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    city_id: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    title_ru: Mapped[str] = mapped_column(Text, nullable=False)
    title_en: Mapped[str] = mapped_column(Text, nullable=False)
    hazards: Mapped[str] = mapped_column(Text, nullable=False)
    sendai_priority: Mapped[int] = mapped_column(Integer, nullable=False)
    sendai_target: Mapped[str] = mapped_column(String(1), nullable=False)
    mcr2030_essential: Mapped[int] = mapped_column(Integer, nullable=False)
    responsible_body_ru: Mapped[str] = mapped_column(Text, nullable=False)
    responsible_body_en: Mapped[str] = mapped_column(Text, nullable=False)
    planned_start: Mapped[date] = mapped_column(Date, nullable=False)
    planned_end: Mapped[date] = mapped_column(Date, nullable=False)
    budget_usd: Mapped[float | None] = mapped_column(Float, nullable=True)
    funded_usd: Mapped[float | None] = mapped_column(Float, nullable=True)
    funder: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_by: Mapped[str] = mapped_column(String(64), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class CityPlanRow(Base):
    """A city whose own plan replaced the demonstration plan: since when, and who did it."""

    __tablename__ = "city_plans"
    city_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    real_since: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    replaced_by: Mapped[str] = mapped_column(String(64), nullable=False)


class SubmissionRow(Base):
    """Figures a city sent (rows of indicator values, hazards, events, sources, or a new city),
    waiting for review by an administrator who is not the submitter, then published by a build."""

    __tablename__ = "submissions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    city_id: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # workbook, form, city
    changes: Mapped[str] = mapped_column(Text, nullable=False)  # JSON {table: [row, ...]}
    status: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    submitted_by: Mapped[str] = mapped_column(String(64), nullable=False)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    reviewed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    build_id: Mapped[str | None] = mapped_column(String(120), nullable=True)
    __table_args__ = (
        CheckConstraint(
            "status in ('pending', 'approved', 'returned', 'published')", name="ck_submissions_status"
        ),
    )


class PublishedBuildRow(Base):
    """A data build made from the source tables and the approved submissions, kept and addressable."""

    __tablename__ = "published_builds"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    build_id: Mapped[str] = mapped_column(String(120), nullable=False)  # the folder under data/builds/
    published_by: Mapped[str] = mapped_column(String(64), nullable=False)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    submissions: Mapped[str] = mapped_column(Text, nullable=False)  # JSON list of submission ids
    ranks: Mapped[str] = mapped_column(Text, nullable=False)  # JSON {city_id: [score, rank]}


# --- engines and migrations ---------------------------------------------------------------------

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def normalize_url(url: str) -> str:
    """Accept the usual spellings of a PostgreSQL URL and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL (None for other databases or in-memory SQLite)."""
    if not url.startswith("sqlite:///") or url in ("sqlite://", "sqlite:///:memory:"):
        return None
    return Path(url[len("sqlite:///") :])


def get_engine(url: str | None = None) -> Engine:
    """One engine per database URL and process (the URL of the settings by default)."""
    url = normalize_url(url or settings.database_url)
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            path = sqlite_path(url)
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                engine = create_engine(url, connect_args={"timeout": 15, "check_same_thread": False})
                event.listen(engine, "connect", _sqlite_pragmas)
            else:
                # a dead database host fails a request in seconds instead of hanging it
                engine = create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})
            _engines[url] = engine
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer (several workers)
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


def dispose_all() -> None:
    """Close every pooled connection (tests call this so nothing is left open)."""
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


def alembic_config(url: str):
    # alembic takes about 0.9 s to import (python -X importtime); only migrations need it, not a page
    from alembic.config import Config

    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.attributes["url"] = url
    return cfg


@contextlib.contextmanager
def _migration_lock(url: str):
    """Only one process migrates at a time: a file lock next to an SQLite file."""
    path = sqlite_path(url)
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{path}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def upgrade(url: str | None = None) -> None:
    """Bring the database to the latest migration (`alembic upgrade head`), safely from many workers."""
    from alembic import command  # with alembic.config above: about 0.9 s of imports a page never needs

    url = normalize_url(url or settings.database_url)
    engine = get_engine(url)
    with _migration_lock(url), engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(7420250616)"))  # released at commit
        cfg = alembic_config(url)
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")


# --- users --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    """A signed-in person as the app sees them (never the password hash)."""

    id: int
    username: str
    role: str
    city_id: str | None
    token: str = ""  # changes with the password: a session made before a password change ends

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def may_edit(self, city_id: str | None) -> bool:
        """Admins edit every city; an editor only their own."""
        return self.is_admin or (city_id is not None and city_id == self.city_id)


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _account(user: User) -> Account:
    token = hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]
    return Account(user.id, user.username, user.role, user.city_id, token)


def check_new_user(username: str, password: str, role: str, city_id: str | None) -> list[str]:
    """Problems with a user about to be created (empty: fine)."""
    problems = []
    if not USERNAME.match(username or ""):
        problems.append("username: 3-64 characters, lower-case letters, digits, '.', '_' or '-'")
    if role not in ROLES:
        problems.append(f"role: one of {', '.join(ROLES)}")
    if role == "editor" and not city_id:
        problems.append("an editor needs --city")
    if role == "admin" and city_id:
        problems.append("an admin is not bound to a city (leave out --city)")
    if len(password or "") < PASSWORD_MIN:
        problems.append(f"password: at least {PASSWORD_MIN} characters")
    return problems


def create_user(
    engine: Engine, username: str, password: str, role: str, city_id: str | None = None
) -> Account:
    problems = check_new_user(username, password, role, city_id)
    if problems:
        raise ValueError("; ".join(problems))
    with Session(engine) as session, session.begin():
        user = User(
            username=username,
            password_hash=_hasher.hash(password),
            role=role,
            city_id=city_id or None,
            active=True,
            created_at=_now(),
        )
        session.add(user)
        try:
            session.flush()
        except IntegrityError as err:
            raise ValueError(f"user '{username}' exists already") from err
        return _account(user)


def set_password(engine: Engine, username: str, password: str) -> None:
    if len(password or "") < PASSWORD_MIN:
        raise ValueError(f"password: at least {PASSWORD_MIN} characters")
    with Session(engine) as session, session.begin():
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise ValueError(f"no user '{username}'")
        user.password_hash = _hasher.hash(password)


def set_active(engine: Engine, username: str, active: bool) -> None:
    with Session(engine) as session, session.begin():
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise ValueError(f"no user '{username}'")
        user.active = active


def list_users(engine: Engine) -> pd.DataFrame:
    with Session(engine) as session:
        rows = session.scalars(select(User).order_by(User.username)).all()
        return pd.DataFrame(
            [
                {
                    "username": u.username,
                    "role": u.role,
                    "city_id": u.city_id,
                    "active": u.active,
                    "created_at": _utc(u.created_at),
                }
                for u in rows
            ],
            columns=["username", "role", "city_id", "active", "created_at"],
        )


def authenticate(engine: Engine, username: str, password: str) -> Account | None:
    """The account if the password is right and the user active; None otherwise (same cost either way)."""
    username = (username or "").strip().lower()
    with Session(engine) as session, session.begin():
        user = session.scalar(select(User).where(User.username == username)) if username else None
        if user is None or not user.active:
            with contextlib.suppress(VerificationError, InvalidHashError):
                _hasher.verify(_DUMMY_HASH, password or "x")
            return None
        try:
            _hasher.verify(user.password_hash, password or "")
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        return _account(user)


def get_account(engine: Engine, user_id: int) -> Account | None:
    """The active account with this id, read afresh (so a disabled user loses access at once)."""
    with Session(engine) as session:
        user = session.get(User, user_id)
        return _account(user) if user is not None and user.active else None


# --- sign-in sessions and attempts -------------------------------------------------------------------


def start_session(engine: Engine, user_id: int) -> str:
    """A new server-side session for the user; its id goes into the signed cookie."""
    sid = secrets.token_urlsafe(32)
    now = _now()
    with Session(engine) as session, session.begin():
        session.add(SignInSession(sid=sid, user_id=user_id, created_at=now, last_seen=now))
    return sid


def session_is_live(
    engine: Engine, sid: str, user_id: int, idle: timedelta, lifetime: timedelta, now: datetime | None = None
) -> bool:
    """Whether the session exists for this user, was not ended, was used within `idle` and began
    within `lifetime`; a live session's last use is noted (at most once a minute)."""
    now = now or _now()
    with Session(engine) as session, session.begin():
        row = session.get(SignInSession, sid)
        if row is None or row.user_id != user_id or row.ended_at is not None:
            return False
        if now - _utc(row.last_seen) > idle or now - _utc(row.created_at) > lifetime:
            row.ended_at = now
            return False
        if now - _utc(row.last_seen) >= timedelta(minutes=1):
            row.last_seen = now
        return True


def end_session(engine: Engine, sid: str) -> None:
    """End a session (sign-out): its cookie, even if copied, no longer signs anyone in."""
    with Session(engine) as session, session.begin():
        session.execute(
            update(SignInSession)
            .where(SignInSession.sid == sid, SignInSession.ended_at.is_(None))
            .values(ended_at=_now())
        )


def record_attempt(engine: Engine, address: str, username: str, succeeded: bool) -> None:
    with Session(engine) as session, session.begin():
        session.add(
            SignInAttempt(at=_now(), address=address[:64], username=username[:64], succeeded=succeeded)
        )


def clear_attempts(engine: Engine) -> None:
    """Forget every counted sign-in attempt (an administrator lifting a throttle; tests)."""
    with Session(engine) as session, session.begin():
        session.execute(delete(SignInAttempt))


def failed_attempts(
    engine: Engine, since: datetime, address: str | None = None, username: str | None = None
) -> int:
    """Failed sign-in attempts since `since`, from one address or for one user name."""
    query = (
        select(func.count())
        .select_from(SignInAttempt)
        .where(SignInAttempt.at >= since, SignInAttempt.succeeded.is_(False))
    )
    if address is not None:
        query = query.where(SignInAttempt.address == address[:64])
    if username is not None:
        query = query.where(SignInAttempt.username == username[:64])
    with Session(engine) as session:
        return int(session.scalar(query) or 0)


# --- action states, saves and the audit log -----------------------------------------------------


@dataclass
class SaveResult:
    """Outcome of a save: ok with the new version, refused with issues, or a conflict."""

    ok: bool
    version: int | None = None
    issues: list[Issue] = field(default_factory=list)
    conflict: dict | None = None  # {"version", "by", "at", "changes": {field: (old, new)}}
    action_id: str | None = None  # a new plan action's id


def _state(row: ActionStateRow) -> ActionState:
    return ActionState(row.status, int(row.progress_pct), row.actual_start, row.actual_end, row.note or "")


def current_state(engine: Engine, action_id: str, baseline: ActionState) -> tuple[int, ActionState, dict]:
    """(version, state, meta) of an action: the saved state, or the baseline as version 0."""
    with Session(engine) as session:
        row = session.get(ActionStateRow, action_id)
        if row is None:
            return 0, baseline, {}
        return row.version, _state(row), {"by": row.updated_by, "at": _utc(row.updated_at)}


def _conflict(session: Session, action_id: str, since_version: int) -> dict:
    """What changed after `since_version`: the latest saver, when, and each field's old and new value."""
    saves = session.scalars(
        select(ActionUpdateRow)
        .where(ActionUpdateRow.action_id == action_id, ActionUpdateRow.version > since_version)
        .order_by(ActionUpdateRow.version)
    ).all()
    audit = session.scalars(
        select(AuditLog)
        .where(AuditLog.action_id == action_id, AuditLog.version > since_version)
        .order_by(AuditLog.version, AuditLog.id)
    ).all()
    changes: dict[str, list] = {}
    for entry in audit:
        if entry.field in changes:
            changes[entry.field][1] = entry.new
        else:
            changes[entry.field] = [entry.old, entry.new]
    latest = saves[-1] if saves else None
    return {
        "version": latest.version if latest else None,
        "by": latest.updated_by if latest else None,
        "at": _utc(latest.updated_at) if latest else None,
        "changes": {k: tuple(v) for k, v in changes.items()},
    }


def audit_entries(
    at: datetime, username: str, action_id: str, version: int, changes: dict[str, tuple]
) -> list[AuditLog]:
    """One audit log row per changed field of a save (``changes``: field -> (old, new))."""
    return [
        AuditLog(at=at, username=username, action_id=action_id, version=version, field=name, old=old, new=new)
        for name, (old, new) in changes.items()
    ]


def save_update(
    engine: Engine,
    action_id: str,
    expected_version: int,
    baseline: ActionState,
    proposed: ActionState,
    username: str,
    today: date,
    now: datetime | None = None,
) -> SaveResult:
    """Validate and save an update if the action is still at `expected_version`.

    Writes the new state (version + 1), the update (public history) and one audit row per changed
    field, in one transaction. A stale version, or a concurrent save of the same action, gives a
    conflict describing the other change; nothing is written then.
    """
    now = now or _now()
    try:
        with Session(engine) as session, session.begin():
            row = session.get(ActionStateRow, action_id)
            version = row.version if row else 0
            if version != expected_version:
                return SaveResult(False, conflict=_conflict(session, action_id, expected_version))
            current = _state(row) if row else baseline
            issues = validate_update(current, proposed, today)
            if issues:
                return SaveResult(False, issues=issues)
            changes = changed_fields(current, proposed)
            new_version = version + 1
            values = dict(
                status=proposed.status,
                progress_pct=proposed.progress_pct,
                actual_start=proposed.actual_start,
                actual_end=proposed.actual_end,
                note=proposed.note or None,
                updated_by=username,
                updated_at=now,
            )
            if row is None:
                session.add(ActionStateRow(action_id=action_id, version=new_version, **values))
                session.flush()  # a concurrent first save of the same action fails here (primary key)
            else:
                done = session.execute(
                    update(ActionStateRow)
                    .where(ActionStateRow.action_id == action_id, ActionStateRow.version == expected_version)
                    .values(version=new_version, **values)
                    .execution_options(synchronize_session=False)
                )
                if done.rowcount != 1:
                    raise _Stale()
            session.add(ActionUpdateRow(action_id=action_id, version=new_version, **values))
            session.add_all(audit_entries(now, username, action_id, new_version, changes))
            result = SaveResult(True, version=new_version)
        return result
    except (IntegrityError, _Stale):
        with Session(engine) as session:
            return SaveResult(False, conflict=_conflict(session, action_id, expected_version))


class _Stale(Exception):
    """Another save won the race between reading and writing."""


def states_frame(engine: Engine) -> pd.DataFrame:
    """Latest saved state of every edited action."""
    with Session(engine) as session:
        rows = session.scalars(select(ActionStateRow)).all()
        return pd.DataFrame(
            [
                {
                    "action_id": r.action_id,
                    "version": r.version,
                    "status": r.status,
                    "progress_pct": r.progress_pct,
                    "actual_start": r.actual_start,
                    "actual_end": r.actual_end,
                    "note": r.note,
                    "updated_by": r.updated_by,
                    "updated_at": _utc(r.updated_at),
                }
                for r in rows
            ],
            columns=[
                "action_id",
                "version",
                "status",
                "progress_pct",
                "actual_start",
                "actual_end",
                "note",
                "updated_by",
                "updated_at",
            ],
        )


def updates_frame(engine: Engine, action_id: str | None = None) -> pd.DataFrame:
    """Saved updates (oldest first), of one action or all; without who saved them (public)."""
    query = select(ActionUpdateRow).order_by(ActionUpdateRow.id)
    if action_id is not None:
        query = query.where(ActionUpdateRow.action_id == action_id)
    with Session(engine) as session:
        rows = session.scalars(query).all()
        return pd.DataFrame(
            [
                {
                    "action_id": r.action_id,
                    "version": r.version,
                    "status": r.status,
                    "progress_pct": r.progress_pct,
                    "note": r.note,
                    "updated_at": _utc(r.updated_at),
                }
                for r in rows
            ],
            columns=["action_id", "version", "status", "progress_pct", "note", "updated_at"],
        )


def audit_frame(engine: Engine, limit: int = 500) -> pd.DataFrame:
    """The newest audit entries (private: administrators only)."""
    with Session(engine) as session:
        rows = session.scalars(select(AuditLog).order_by(AuditLog.id.desc()).limit(limit)).all()
        return pd.DataFrame(
            [
                {
                    "at": _utc(r.at),
                    "username": r.username,
                    "action_id": r.action_id,
                    "version": r.version,
                    "field": r.field,
                    "old": r.old,
                    "new": r.new,
                }
                for r in rows
            ],
            columns=["at", "username", "action_id", "version", "field", "old", "new"],
        )


def stamp(engine: Engine) -> str:
    """Changes whenever an update, a plan action or a city's plan is saved: part of the public
    pages' cache key."""
    with Session(engine) as session:
        count, last, when = session.execute(
            select(
                func.count(ActionUpdateRow.id),
                func.max(ActionUpdateRow.id),
                func.max(ActionUpdateRow.updated_at),
            )
        ).one()
        plans, plan_when = session.execute(
            select(func.count(PlanActionRow.action_id), func.max(PlanActionRow.updated_at))
        ).one()
        cities, city_when = session.execute(
            select(func.count(CityPlanRow.city_id), func.max(CityPlanRow.real_since))
        ).one()
        return f"{count}:{last or 0}:{when or ''}:{plans}:{plan_when or ''}:{cities}:{city_when or ''}"


# --- the cities' own plans --------------------------------------------------------------------


def _plan_record(row: PlanActionRow) -> dict:
    record = {name: getattr(row, name) for name in PLAN_FIELDS}
    for name in ("planned_start", "planned_end"):
        record[name] = record[name].isoformat() if record[name] else None
    return record


def save_plan_action(
    engine: Engine,
    city_id: str,
    action_id: str | None,
    expected_version: int,
    action: PlanAction,
    username: str,
    now: datetime | None = None,
) -> SaveResult:
    """Create (action_id None) or change one action of a city's own plan, with optimistic locking
    and one audit row per changed field, in one transaction. `SaveResult.version` is the new
    version; the new action's id is in `SaveResult.conflict` only on a conflict."""
    now = now or _now()
    values = action.as_record()
    values["planned_start"], values["planned_end"] = action.planned_start, action.planned_end
    try:
        with Session(engine) as session, session.begin():
            if action_id is None:
                existing = set(
                    session.scalars(select(PlanActionRow.action_id).where(PlanActionRow.city_id == city_id))
                )
                action_id = next_action_id(city_id, existing)
                row = PlanActionRow(
                    action_id=action_id,
                    city_id=city_id,
                    version=1,
                    created_by=username,
                    created_at=now,
                    updated_by=username,
                    updated_at=now,
                    **values,
                )
                session.add(row)
                session.flush()
                changes = plan_changes(None, action.as_record())
                new_version = 1
            else:
                row = session.get(PlanActionRow, action_id)
                if row is None or row.city_id != city_id:
                    return SaveResult(False, issues=[Issue("", "bad_request")])
                if row.version != expected_version:
                    return SaveResult(
                        False,
                        conflict={
                            "version": row.version,
                            "by": row.updated_by,
                            "at": _utc(row.updated_at),
                            "changes": {},
                        },
                    )
                changes = plan_changes(_plan_record(row), action.as_record())
                if not changes:
                    return SaveResult(False, issues=[Issue("", "no_change")])
                new_version = row.version + 1
                done = session.execute(
                    update(PlanActionRow)
                    .where(PlanActionRow.action_id == action_id, PlanActionRow.version == expected_version)
                    .values(version=new_version, updated_by=username, updated_at=now, **values)
                    .execution_options(synchronize_session=False)
                )
                if done.rowcount != 1:
                    raise _Stale()
            session.add_all(audit_entries(now, username, action_id, new_version, changes))
        return SaveResult(True, version=new_version, action_id=action_id)
    except (IntegrityError, _Stale):
        return SaveResult(False, conflict={"version": None, "by": None, "at": None, "changes": {}})


PLAN_COLUMNS = ["action_id", "city_id", "version", *PLAN_FIELDS, "updated_by", "updated_at"]


def plan_actions_frame(engine: Engine, city_id: str | None = None) -> pd.DataFrame:
    """Actions the cities wrote in the app (of one city, or all), in id order."""
    query = select(PlanActionRow).order_by(PlanActionRow.action_id)
    if city_id is not None:
        query = query.where(PlanActionRow.city_id == city_id)
    with Session(engine) as session:
        rows = session.scalars(query).all()
        return pd.DataFrame(
            [
                {
                    "action_id": r.action_id,
                    "city_id": r.city_id,
                    "version": r.version,
                    **_plan_record(r),
                    "updated_by": r.updated_by,
                    "updated_at": _utc(r.updated_at),
                }
                for r in rows
            ],
            columns=PLAN_COLUMNS,
        )


def plan_action_city(engine: Engine, action_id: str) -> str | None:
    """The city of an action of a city's own plan (None: no such action)."""
    with Session(engine) as session:
        row = session.get(PlanActionRow, action_id)
        return row.city_id if row is not None else None


def real_plan_cities(engine: Engine) -> dict[str, dict]:
    """Cities whose own plan replaced the demonstration plan: city_id -> {"since", "by"}."""
    with Session(engine) as session:
        return {
            r.city_id: {"since": _utc(r.real_since), "by": r.replaced_by}
            for r in session.scalars(select(CityPlanRow)).all()
        }


def replace_demo_plan(engine: Engine, city_id: str, username: str, now: datetime | None = None) -> SaveResult:
    """Show the city's own actions instead of its demonstration plan, from now on (one step;
    refused when the city has written no action yet, or did it already)."""
    now = now or _now()
    try:
        with Session(engine) as session, session.begin():
            if session.get(CityPlanRow, city_id) is not None:
                return SaveResult(False, issues=[Issue("", "plan_already_real")])
            count = session.scalar(
                select(func.count(PlanActionRow.action_id)).where(PlanActionRow.city_id == city_id)
            )
            if not count:
                return SaveResult(False, issues=[Issue("", "plan_empty")])
            session.add(CityPlanRow(city_id=city_id, real_since=now, replaced_by=username))
            session.flush()
            session.add(
                AuditLog(
                    at=now,
                    username=username,
                    action_id=f"plan:{city_id}",
                    version=1,
                    field="plan",
                    old="demonstration",
                    new=f"real ({count})",
                )
            )
        return SaveResult(True, version=1)
    except IntegrityError:
        return SaveResult(False, issues=[Issue("", "plan_already_real")])


# --- submissions, review and published builds ---------------------------------------------------

SUBMISSION_COLUMNS = [
    "id",
    "city_id",
    "kind",
    "changes",
    "status",
    "submitted_by",
    "submitted_at",
    "reviewed_by",
    "reviewed_at",
    "comment",
    "build_id",
]


def create_submission(
    engine: Engine,
    city_id: str,
    kind: str,
    changes: dict[str, list[dict]],
    username: str,
    now: datetime | None = None,
) -> int:
    """Store a checked submission as pending review (one transaction, with its audit row); its id."""
    now = now or _now()
    with Session(engine) as session, session.begin():
        row = SubmissionRow(
            city_id=city_id,
            kind=kind,
            changes=json.dumps(changes, ensure_ascii=False),
            status="pending",
            submitted_by=username,
            submitted_at=now,
        )
        session.add(row)
        session.flush()
        counts = ", ".join(f"{table}: {len(rows)}" for table, rows in changes.items())
        session.add(
            AuditLog(
                at=now,
                username=username,
                action_id=f"submission:{row.id}",
                version=1,
                field="submitted",
                old=None,
                new=f"{city_id} ({kind}; {counts})",
            )
        )
        return row.id


def _submission(row: SubmissionRow) -> dict:
    return {
        "id": row.id,
        "city_id": row.city_id,
        "kind": row.kind,
        "changes": json.loads(row.changes),
        "status": row.status,
        "submitted_by": row.submitted_by,
        "submitted_at": _utc(row.submitted_at),
        "reviewed_by": row.reviewed_by,
        "reviewed_at": _utc(row.reviewed_at),
        "comment": row.comment,
        "build_id": row.build_id,
    }


def submissions_frame(
    engine: Engine, statuses: tuple[str, ...] | None = None, city_id: str | None = None
) -> pd.DataFrame:
    """Submissions, newest first (of some statuses, or of one city)."""
    query = select(SubmissionRow).order_by(SubmissionRow.id.desc())
    if statuses:
        query = query.where(SubmissionRow.status.in_(statuses))
    if city_id is not None:
        query = query.where(SubmissionRow.city_id == city_id)
    with Session(engine) as session:
        return pd.DataFrame(
            [_submission(r) for r in session.scalars(query).all()], columns=SUBMISSION_COLUMNS
        )


def get_submission(engine: Engine, submission_id: int) -> dict | None:
    with Session(engine) as session:
        row = session.get(SubmissionRow, submission_id)
        return _submission(row) if row is not None else None


def review_submission(
    engine: Engine,
    submission_id: int,
    reviewer: str,
    approve: bool,
    comment: str = "",
    now: datetime | None = None,
) -> SaveResult:
    """Approve a pending submission, or return it with a comment; never by its own submitter."""
    now = now or _now()
    comment = (comment or "").strip()[:2000]
    with Session(engine) as session, session.begin():
        row = session.get(SubmissionRow, submission_id, with_for_update=True)
        if row is None or row.status != "pending":
            return SaveResult(False, issues=[Issue("", "review_not_pending")])
        if row.submitted_by == reviewer:
            return SaveResult(False, issues=[Issue("", "review_own")])
        if not approve and not comment:
            return SaveResult(False, issues=[Issue("comment", "review_comment_needed")])
        new = "approved" if approve else "returned"
        session.add(
            AuditLog(
                at=now,
                username=reviewer,
                action_id=f"submission:{row.id}",
                version=2,
                field="review",
                old="pending",
                new=new + (f": {comment}" if comment else ""),
            )
        )
        row.status, row.reviewed_by, row.reviewed_at, row.comment = new, reviewer, now, comment or None
    return SaveResult(True, version=2)


def approved_changes(engine: Engine) -> list[tuple[int, dict[str, list[dict]]]]:
    """(id, changes) of every approved or published submission, in the order they were reviewed:
    the overlay every new build lays over the source tables."""
    query = (
        select(SubmissionRow)
        .where(SubmissionRow.status.in_(("approved", "published")))
        .order_by(SubmissionRow.reviewed_at, SubmissionRow.id)
    )
    with Session(engine) as session:
        return [(r.id, json.loads(r.changes)) for r in session.scalars(query).all()]


def record_published_build(
    engine: Engine,
    build_id: str,
    username: str,
    submission_ids: list[int],
    ranks: dict[str, list],
    now: datetime | None = None,
) -> None:
    """Remember a published build and mark the approved submissions it holds as published."""
    now = now or _now()
    with Session(engine) as session, session.begin():
        session.add(
            PublishedBuildRow(
                build_id=build_id,
                published_by=username,
                published_at=now,
                submissions=json.dumps(submission_ids),
                ranks=json.dumps(ranks),
            )
        )
        newly = session.scalars(
            select(SubmissionRow).where(
                SubmissionRow.id.in_(submission_ids), SubmissionRow.status == "approved"
            )
        ).all()
        for row in newly:
            row.status, row.build_id = "published", build_id
        session.add(
            AuditLog(
                at=now,
                username=username,
                action_id=f"build:{build_id}"[:80],
                version=1,
                field="published",
                old=None,
                new=", ".join(str(r.id) for r in newly) or "-",
            )
        )


def published_builds_frame(engine: Engine) -> pd.DataFrame:
    """Every published build, oldest first, with the cities' index scores and ranks in it."""
    with Session(engine) as session:
        rows = session.scalars(select(PublishedBuildRow).order_by(PublishedBuildRow.id)).all()
        return pd.DataFrame(
            [
                {
                    "build_id": r.build_id,
                    "published_by": r.published_by,
                    "published_at": _utc(r.published_at),
                    "submissions": json.loads(r.submissions),
                    "ranks": json.loads(r.ranks),
                }
                for r in rows
            ],
            columns=["build_id", "published_by", "published_at", "submissions", "ranks"],
        )
