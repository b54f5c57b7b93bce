"""Background jobs: long work run by ``ladder worker`` (or a thread of the app without Redis).

The row is the truth about a job, whatever the queue says: its state, its progress for the
page that polls it, and a heartbeat that the running process refreshes. A running job whose
heartbeat is older than the timeout belongs to a process that died: it is marked failed and
can be retried.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow, value_enum


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(Base):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What to run: a name registered with ``app.services.jobs.job_kind``.
    kind: Mapped[str] = mapped_column(String(50))
    #: What the job is about, e.g. ``clustering_run:12``, so a page can find its jobs.
    subject: Mapped[str] = mapped_column(String(100), default="", index=True)
    state: Mapped[JobState] = mapped_column(
        value_enum(JobState, "job_state"), default=JobState.QUEUED, index=True
    )
    #: 0..1, with a short message for the page.
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(String(200), default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: A small JSON result for the page or the API (e.g. how many findings were placed).
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: ``rq`` when queued on Redis, ``thread`` when run in a thread of the app.
    runner: Mapped[str] = mapped_column(String(10), default="thread")
    heartbeat_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.state.value}>"


class JobFile(Base):
    """A file a job reads or makes, kept in the database so that any process can read it:
    an upload waiting for its import job, a report document a job prepared. Which process
    runs the job (a thread of the web, ``ladder worker`` on another machine) does not matter.
    """

    __tablename__ = "job_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``import`` (an upload to import), ``report`` (a prepared PDF or workbook).
    purpose: Mapped[str] = mapped_column(String(20))
    #: What the file is, for finding it again, e.g. a report's data fingerprint and language.
    key: Mapped[str] = mapped_column(String(200), default="", index=True)
    filename: Mapped[str] = mapped_column(String(200), default="")
    mimetype: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<JobFile {self.id} {self.purpose} {self.filename}>"
