"""`Principal`: who a request is made by, as the routes see it.

Roles (`ROLES`): `admin` (everything, accounts included), `therapist` (their patients' data and
programmes), `patient` (their own data: `patient_id`), `viewer` (read-only: the camera and event
pages). `LOCAL` is the principal of a server bound to loopback without login: this machine's user,
an admin.
"""

from __future__ import annotations

from dataclasses import dataclass

from movenet.errors import MovenetError

ROLES = ("admin", "therapist", "patient", "viewer")


class Forbidden(MovenetError, PermissionError):
    """The principal may not do this (403)."""


@dataclass(frozen=True)
class Principal:
    account_id: int | None  # None: LOCAL
    name: str
    role: str
    patient_id: str | None = None
    via: str = "session"  # "session" (cookie), "token" (Authorization: Bearer), "local" (no login)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    def may_see_patient(self, patient_id: str) -> bool:
        """Admins and therapists see every patient (a therapist-patient assignment table may narrow
        this), a patient only themselves, viewers none."""
        if self.role in ("admin", "therapist"):
            return True
        return self.role == "patient" and self.patient_id is not None and self.patient_id == patient_id

    def require(self, *roles: str) -> Principal:
        """Self when its role is one of `roles` (admin always passes), else Forbidden."""
        if self.is_admin or self.role in roles:
            return self
        raise Forbidden(f"{self.role} accounts may not do this (needs: {', '.join(roles)})")

    def to_dict(self) -> dict:
        return {"name": self.name, "role": self.role, "patient_id": self.patient_id, "via": self.via}


LOCAL = Principal(None, "local", "admin", None, "local")
