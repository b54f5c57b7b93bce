"""Ladder's typed SQLAlchemy models. No Flask here: the app binds them in app.extensions."""

from models.api_token import ApiToken
from models.assessment import (
    Assessment,
    AssessmentStatus,
    Cycle,
    CycleStatus,
    CycleTarget,
    PracticeRating,
)
from models.audit import AuditEvent
from models.backlog import ImprovementItem, QuickWinRuleSetting, improvement_item_findings
from models.base import Base
from models.evidence import EvidenceFile
from models.finding import Finding, FindingSource, Frequency
from models.job import Job, JobFile, JobState
from models.lesson import Lesson, LessonKind, LessonSource
from models.maturity import StoredModel
from models.notification import (
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKind,
    NotificationSettings,
    WebhookChannel,
)
from models.org import BusinessLine, business_line_directors
from models.outcome import OutcomeKpi, OutcomeKpiValue
from models.profile import CapabilityPlan, CapabilityTarget
from models.quickwin import Kpi, KpiMeasurement, QuickWinProject
from models.respondent import Respondent, RespondentRating
from models.review import ActionItem, Review, ReviewDecision, ReviewKind
from models.satisfaction import (
    QuestionKind,
    SatisfactionAnswer,
    SatisfactionResponse,
    SurveyInvitation,
    SurveyQuestion,
)
from models.submission import FormSubmission
from models.survey import Survey, SurveyKind, SurveyResponse, SurveyStatus
from models.theme import (
    LABELLED_PLACEMENTS,
    ClusteringRun,
    Placement,
    RunStatus,
    Theme,
    ThemeFinding,
    ThemeModelState,
)
from models.user import LOCALES, RespondentLine, Role, User
from models.user_session import UserSession

__all__ = [
    "LABELLED_PLACEMENTS",
    "LOCALES",
    "ActionItem",
    "ApiToken",
    "Assessment",
    "AssessmentStatus",
    "AuditEvent",
    "Base",
    "BusinessLine",
    "CapabilityPlan",
    "CapabilityTarget",
    "Channel",
    "ClusteringRun",
    "Cycle",
    "CycleStatus",
    "CycleTarget",
    "Delivery",
    "DeliveryStatus",
    "EvidenceFile",
    "Finding",
    "FindingSource",
    "FormSubmission",
    "Frequency",
    "ImprovementItem",
    "Job",
    "JobFile",
    "JobState",
    "Kpi",
    "KpiMeasurement",
    "Lesson",
    "LessonKind",
    "LessonSource",
    "Notification",
    "NotificationKind",
    "NotificationSettings",
    "OutcomeKpi",
    "OutcomeKpiValue",
    "Placement",
    "PracticeRating",
    "QuestionKind",
    "QuickWinProject",
    "QuickWinRuleSetting",
    "Respondent",
    "RespondentLine",
    "RespondentRating",
    "Review",
    "ReviewDecision",
    "ReviewKind",
    "Role",
    "RunStatus",
    "SatisfactionAnswer",
    "SatisfactionResponse",
    "StoredModel",
    "Survey",
    "SurveyInvitation",
    "SurveyKind",
    "SurveyQuestion",
    "SurveyResponse",
    "SurveyStatus",
    "Theme",
    "ThemeFinding",
    "ThemeModelState",
    "User",
    "UserSession",
    "WebhookChannel",
    "business_line_directors",
    "improvement_item_findings",
]
