"""One rule per resource: who may change what. Who sees what is ``visibility``."""

from __future__ import annotations

from models import Role, User


def can_manage_user(actor: User, target: User | None) -> bool:
    """Admins manage everyone; the PMO manages everyone but admins."""
    if actor.role is Role.ADMIN:
        return True
    if actor.role is Role.PMO:
        return target is None or target.role is not Role.ADMIN
    return False
