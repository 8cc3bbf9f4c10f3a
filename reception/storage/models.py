"""SQLAlchemy 2 typed models. Schema changes go through Alembic migrations only.

Nothing here leaves the storage layer: callers get frozen records (``reception.records``).
Timestamps are stored in UTC (naive in SQLite, ``timestamptz`` in PostgreSQL through
``UtcDateTime``); the hall-local received date is stored beside them for day-based reports.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class CaseSerial(Base):
    """Last serial handed out per workstation and year. Bumped in the case's own transaction."""

    __tablename__ = "case_serials"
    workstation: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, nullable=False)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("workstation", "year", "serial"),
        Index("ix_cases_received_date", "received_date"),
        Index("ix_cases_status_received", "status", "received_utc"),
        # The case list (reception.caselist): one covering index per sort order (the sort column, then
        # the received date and time and id for the enumerations), then the filtered columns, so any
        # filters in any order walk one index (revision 0004).
        Index(
            "ix_cases_list_received",
            "received_date",
            "received_utc",
            "id",
            "window",
            "status",
            "risk_level",
            "department",
        ),
        Index(
            "ix_cases_list_case_no", "case_no", "id", "received_date", "window", "status", "risk_level", "department"
        ),
        Index(
            "ix_cases_list_applicant",
            "applicant_name",
            "id",
            "received_date",
            "window",
            "status",
            "risk_level",
            "department",
        ),
        Index(
            "ix_cases_list_window",
            "window",
            "received_date",
            "received_utc",
            "id",
            "status",
            "risk_level",
            "department",
        ),
        Index(
            "ix_cases_list_status",
            "status",
            "received_date",
            "received_utc",
            "id",
            "window",
            "risk_level",
            "department",
        ),
        Index(
            "ix_cases_list_risk",
            "risk_level",
            "received_date",
            "received_utc",
            "id",
            "window",
            "status",
            "department",
        ),
        Index(
            "ix_cases_list_department",
            "department",
            "received_date",
            "received_utc",
            "id",
            "window",
            "status",
            "risk_level",
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    case_no: Mapped[str] = mapped_column(String(48), unique=True, nullable=False)
    centre_code: Mapped[str] = mapped_column(String(16), nullable=False)
    workstation: Mapped[str] = mapped_column(String(8), nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    serial: Mapped[int] = mapped_column(Integer, nullable=False)
    schema_version: Mapped[str] = mapped_column(String(8), nullable=False)
    window: Mapped[str] = mapped_column(String(16), nullable=False)
    channel: Mapped[str] = mapped_column(String(16), nullable=False)
    received_utc: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    received_date: Mapped[date] = mapped_column(Date, nullable=False)
    clerk: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    category: Mapped[str | None] = mapped_column(String(40))
    subcategory: Mapped[str | None] = mapped_column(String(40))
    town: Mapped[str | None] = mapped_column(String(40))
    community: Mapped[str | None] = mapped_column(String(40))
    grid: Mapped[str | None] = mapped_column(String(40))
    risk_level: Mapped[str | None] = mapped_column(String(8))
    department: Mapped[str | None] = mapped_column(String(40))
    level: Mapped[str | None] = mapped_column(String(12))
    resolved_on_spot: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    headcount: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    amount: Mapped[float | None] = mapped_column(Numeric(14, 2, asdecimal=False))
    applicant_name: Mapped[str] = mapped_column(String(50), nullable=False)
    document: Mapped[dict] = mapped_column(JSON, nullable=False)
    routing: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    # Closing the case (reception.tracking.close_case): when, how it ended, and the visitor's view.
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    outcome: Mapped[str | None] = mapped_column(String(24))
    satisfaction: Mapped[str | None] = mapped_column(String(16))

    parties: Mapped[list[Party]] = relationship(back_populates="case", order_by="Party.id")
    deadlines: Mapped[list[CaseDeadline]] = relationship(back_populates="case", order_by="CaseDeadline.id")
    transfers: Mapped[list[Transfer]] = relationship(back_populates="case", order_by="Transfer.created_at")
    events: Mapped[list[CaseEvent]] = relationship(back_populates="case", order_by="CaseEvent.id")


class Party(Base):
    """Searchable people of a case: applicants, agent, representatives, participants, counter-parties."""

    __tablename__ = "parties"
    __table_args__ = (
        Index("ix_parties_id_number", "id_number"),
        Index("ix_parties_phone", "phone"),
        Index("ix_parties_name", "name"),
        Index("ix_parties_case", "case_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    id_type: Mapped[str | None] = mapped_column(String(24))
    id_number: Mapped[str | None] = mapped_column(String(40))
    phone: Mapped[str | None] = mapped_column(String(40))

    case: Mapped[Case] = relationship(back_populates="parties")


class CaseDeadline(Base):
    __tablename__ = "deadlines"
    __table_args__ = (
        Index("ix_deadlines_due_status", "due", "status"),
        Index("ix_deadlines_case", "case_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    label_zh: Mapped[str] = mapped_column(String(100), nullable=False)
    label_en: Mapped[str] = mapped_column(String(100), nullable=False)
    start: Mapped[date] = mapped_column(Date, nullable=False)
    due: Mapped[date] = mapped_column(Date, nullable=False)
    rolled_from: Mapped[date | None] = mapped_column(Date)
    #: the holiday calendar for the due date's year was not loaded (weekends only)
    calendar_missing: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    unit: Mapped[str] = mapped_column(String(12), nullable=False)
    basis: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="open")

    case: Mapped[Case] = relationship(back_populates="deadlines")


class Transfer(Base):
    """One routing of a case to one department. ``id`` is a random UUID, never reused: it is the
    idempotency key sent to the department."""

    __tablename__ = "transfers"
    __table_args__ = (
        Index("ix_transfers_case", "case_id"),
        Index("ix_transfers_department_status", "department", "status"),
        Index("ix_transfers_department_next_poll_at", "department", "next_poll_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), nullable=False)
    department: Mapped[str] = mapped_column(String(40), nullable=False)
    role: Mapped[str] = mapped_column(String(8), nullable=False)  # lead | assist
    level: Mapped[str | None] = mapped_column(String(12))
    node: Mapped[str | None] = mapped_column(String(40))
    rule_id: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="requested")
    department_case_no: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    # Pushing (reception.dispatch, revision 0005): the department's reference for the transfer, the last
    # status read back from the department (so a status is recorded once) and when to ask again.
    queue_ref: Mapped[str | None] = mapped_column(String(120))
    remote_status: Mapped[str | None] = mapped_column(String(16))
    next_poll_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    case: Mapped[Case] = relationship(back_populates="transfers")
    outbox: Mapped[OutboxEntry | None] = relationship(back_populates="transfer")


class OutboxEntry(Base):
    """A transfer waiting to be pushed to its department. Written in the case's transaction."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_department_state", "department", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    transfer_id: Mapped[str] = mapped_column(ForeignKey("transfers.id", ondelete="CASCADE"), unique=True)
    department: Mapped[str] = mapped_column(String(40), nullable=False)
    state: Mapped[str] = mapped_column(String(12), nullable=False, default="pending")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    # The dispatcher's claim (reception.dispatch, revision 0005): an ``in_flight`` entry whose lease ran
    # out is claimed again and resent with the same Idempotency-Key.
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    dead_reason: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    transfer: Mapped[Transfer] = relationship(back_populates="outbox")


class DispatchAttempt(Base):
    """One attempt to push a transfer (or a retry/re-route by a person): when, how long, what came back.

    ``error`` holds the transport's message or the department's reason, never personal data."""

    __tablename__ = "dispatch_attempts"
    __table_args__ = (
        Index("ix_dispatch_attempts_transfer", "transfer_id"),
        Index("ix_dispatch_attempts_department", "department", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"))
    transfer_id: Mapped[str] = mapped_column(ForeignKey("transfers.id", ondelete="CASCADE"), nullable=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    #: delivered | retry | dead | replayed | in_progress
    outcome: Mapped[str] = mapped_column(String(12), nullable=False)
    http_status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    # The department the attempt went to (the outbox entry's, revision 0006): each department's last
    # attempt is one index seek (``reception.dispatch.history``). NULL in rows written without it: the
    # readers then take the transfer's department.
    department: Mapped[str | None] = mapped_column(String(40))


class CaseEvent(Base):
    """The case's timeline: received, routed, pushed, acknowledged, returned, closed, notes."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case", "case_id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), nullable=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    kind: Mapped[str] = mapped_column(String(24), nullable=False)
    actor: Mapped[str | None] = mapped_column(String(50))
    detail: Mapped[dict | None] = mapped_column(JSON)

    case: Mapped[Case] = relationship(back_populates="events")


class AuditRecord(Base):
    """Who did what, written in the same transaction as the change it records.

    Append-only and hash-chained (revision 0007): rows are written only through
    :func:`reception.audit.append`, which numbers them ``seq`` 1, 2, 3 … without gaps and sets ``hash`` =
    SHA-256 of the previous record's hash and this record's content (``reception.audit`` documents the
    form). The database refuses UPDATE and DELETE on this table (triggers)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"), Index("ix_audit_log_action_seq", "action", "seq"))

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    user: Mapped[str | None] = mapped_column(String(50))
    workstation: Mapped[str | None] = mapped_column(String(8))
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    object_type: Mapped[str | None] = mapped_column(String(24))
    object_id: Mapped[str | None] = mapped_column(String(48))
    result: Mapped[str] = mapped_column(String(12), nullable=False, default="ok")
    detail: Mapped[dict | None] = mapped_column(JSON)
    seq: Mapped[int] = mapped_column(BigInteger, nullable=False, unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)


class AuditChain(Base):
    """The head of the audit chain: the last record's ``seq`` and ``hash`` (one row, ``id`` 1).

    Moved in the transaction that appends; it only moves forward (a trigger refuses lowering ``seq``,
    changing the hash of the same ``seq``, and deleting the row). A head beyond the table's last record
    shows a truncated tail (revision 0007)."""

    __tablename__ = "audit_chain"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger, nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)


class ReceiptPrint(Base):
    """Every receipt, slip or transfer slip issued. The first print of a layout is the original;
    later ones are reprints (补打) and are marked so on the paper."""

    __tablename__ = "receipt_prints"
    __table_args__ = (Index("ix_receipt_prints_case", "case_id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), nullable=False)
    layout: Mapped[str] = mapped_column(String(12), nullable=False)  # a4 | slip | transfer
    printed_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    user: Mapped[str | None] = mapped_column(String(50))
    workstation: Mapped[str | None] = mapped_column(String(8))
    reprint: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    sha256: Mapped[str | None] = mapped_column(String(64))


class DayClose(Base):
    """A closed day (日结): the register as it stood when the day was closed, so that exporting the
    day again gives the same content even after later changes to its cases."""

    __tablename__ = "day_closes"
    __table_args__ = (UniqueConstraint("day", "workstation"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    workstation: Mapped[str] = mapped_column(String(8), nullable=False)
    closed_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    closed_by: Mapped[str | None] = mapped_column(String(50))
    case_count: Mapped[int] = mapped_column(Integer, nullable=False)
    first_case_no: Mapped[str | None] = mapped_column(String(48))
    last_case_no: Mapped[str | None] = mapped_column(String(48))
    snapshot: Mapped[dict] = mapped_column(JSON, nullable=False)
    manifest: Mapped[dict | None] = mapped_column(JSON)


class User(Base):
    """A person who signs in at the desk (issue 6): one role, a password hashed with argon2id, and the
    count of wrong passwords that locks the account for a while. Never deleted (the audit trail names
    users); an account that is no longer used is made inactive."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: the sign-in name: lower case, as typed at the desk (``reception.security.accounts``)
    username: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    display_name: Mapped[str] = mapped_column(String(50), nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    #: a department liaison's department (its code in the hall configuration)
    department: Mapped[str | None] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(200), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    #: wrong passwords in a row since the last sign-in or lock
    failed_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: set by an administrator's reset: the user chooses a new password at the next sign-in
    must_change_password: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    password_changed_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(50))
