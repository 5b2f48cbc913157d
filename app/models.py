"""Every ORM model, imported in one place so Alembic and the tests see the whole schema."""

from app.audit.models import AuditEvent
from app.conversations.models import Conversation
from app.db import Base
from app.feedback.models import Complaint, SurveyResponse
from app.inbox.models import InboundEvent
from app.intake.models import MediaJob
from app.locker import Blob, Document, DocumentAccess
from app.memory.models import RememberedSubject, ResidentMemory
from app.offices.models import Office
from app.operators.models import ApiToken, LoginThrottle, Operator, OperatorSession
from app.outbox.models import OutboundMessage, SendHalt
from app.requests.issued_models import IssuedDocument
from app.requests.models import Request, RequestDocument, RequestEvent, TicketCounter
from app.residents.models import Resident

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Base",
    "Blob",
    "Complaint",
    "Conversation",
    "Document",
    "DocumentAccess",
    "InboundEvent",
    "IssuedDocument",
    "LoginThrottle",
    "MediaJob",
    "Office",
    "Operator",
    "OperatorSession",
    "OutboundMessage",
    "RememberedSubject",
    "Request",
    "RequestDocument",
    "RequestEvent",
    "Resident",
    "ResidentMemory",
    "SendHalt",
    "SurveyResponse",
    "TicketCounter",
]
