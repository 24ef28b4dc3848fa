"""Contains all the data models used in inputs/outputs"""

from .availability import Availability
from .availability_day import AvailabilityDay
from .category import Category
from .credit_note import CreditNote
from .credit_note_status_enum import CreditNoteStatusEnum
from .customer import Customer
from .customer_request import CustomerRequest
from .equipment_item import EquipmentItem
from .event_type import EventType
from .invoice import Invoice
from .invoice_status_enum import InvoiceStatusEnum
from .line import Line
from .line_input_request import LineInputRequest
from .paginated_category_list import PaginatedCategoryList
from .paginated_credit_note_list import PaginatedCreditNoteList
from .paginated_customer_list import PaginatedCustomerList
from .paginated_equipment_item_list import PaginatedEquipmentItemList
from .paginated_invoice_list import PaginatedInvoiceList
from .paginated_payment_list import PaginatedPaymentList
from .paginated_project_list import PaginatedProjectList
from .paginated_quote_list import PaginatedQuoteList
from .paginated_tax_category_list import PaginatedTaxCategoryList
from .paginated_webhook_endpoint_list import PaginatedWebhookEndpointList
from .patched_customer_request import PatchedCustomerRequest
from .patched_project_request import PatchedProjectRequest
from .payment import Payment
from .problem import Problem
from .problem_errors import ProblemErrors
from .project import Project
from .project_request import ProjectRequest
from .project_status_enum import ProjectStatusEnum
from .quote import Quote
from .quote_create_request import QuoteCreateRequest
from .quote_status_enum import QuoteStatusEnum
from .reference import Reference
from .tax_category import TaxCategory
from .webhook_endpoint import WebhookEndpoint

__all__ = (
    "Availability",
    "AvailabilityDay",
    "Category",
    "CreditNote",
    "CreditNoteStatusEnum",
    "Customer",
    "CustomerRequest",
    "EquipmentItem",
    "EventType",
    "Invoice",
    "InvoiceStatusEnum",
    "Line",
    "LineInputRequest",
    "PaginatedCategoryList",
    "PaginatedCreditNoteList",
    "PaginatedCustomerList",
    "PaginatedEquipmentItemList",
    "PaginatedInvoiceList",
    "PaginatedPaymentList",
    "PaginatedProjectList",
    "PaginatedQuoteList",
    "PaginatedTaxCategoryList",
    "PaginatedWebhookEndpointList",
    "PatchedCustomerRequest",
    "PatchedProjectRequest",
    "Payment",
    "Problem",
    "ProblemErrors",
    "Project",
    "ProjectRequest",
    "ProjectStatusEnum",
    "Quote",
    "QuoteCreateRequest",
    "QuoteStatusEnum",
    "Reference",
    "TaxCategory",
    "WebhookEndpoint",
)
