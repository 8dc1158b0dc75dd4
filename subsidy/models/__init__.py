"""All models, imported here so Base.metadata is complete for Alembic and the tests."""
from subsidy.models.application import (  # noqa: F401
    STATES, Allocation, Application, ApplicationEvent, EligibilityDecision, ProposalList, ProposalListEntry,
    RuleSet,
)
from subsidy.models.audit import AuditEntry  # noqa: F401
from subsidy.models.handover import CashPayment, Handover, HandoverImei  # noqa: F401
from subsidy.models.job import Job  # noqa: F401
from subsidy.models.household import Category, Household, PriorDevice  # noqa: F401
from subsidy.models.members_status import LIST_STATUSES, HouseholdMember, HouseholdStatus  # noqa: F401
from subsidy.models.receipt import Receipt, ReceiptCounter  # noqa: F401
from subsidy.models.user import ApiToken, Role, User  # noqa: F401
from subsidy.models.complaint import Complaint, ComplaintEvent  # noqa: F401
from subsidy.models.commune import Commune, Hamlet, InstanceSetting, ProvinceAllocation  # noqa: F401
from subsidy.models.state_spans import ApplicationStateSpan  # noqa: F401
from subsidy.models import scoping  # noqa: F401,E402  (the commune listeners)
