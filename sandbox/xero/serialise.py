"""Sandbox rows in Xero's JSON: field names, and its two date formats."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sandbox.xero.models import XeroConnection, XeroOrganisation


def identity_datetime(value: datetime) -> str:
    """The identity API's timestamps: UTC, seven fractional digits and no offset,
    as in the spec's example ("2019-12-07T18:46:19.5165400")."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0"


def ms_date(value: datetime) -> str:
    """The accounting API's Microsoft JSON date, e.g. /Date(1573755038314)/."""
    return f"/Date({int(value.timestamp() * 1000)})/"


def connection(item: XeroConnection) -> dict[str, Any]:
    organisation = item.organisation
    return {
        "id": str(item.id),
        "authEventId": str(item.auth_event_id),
        "tenantId": str(organisation.tenant_id),
        "tenantType": organisation.tenant_type,
        "tenantName": organisation.name,
        "createdDateUtc": identity_datetime(item.created_at),
        "updatedDateUtc": identity_datetime(item.updated_at),
    }


def organisation(item: XeroOrganisation) -> dict[str, Any]:
    return {
        "OrganisationID": str(item.tenant_id),
        "Name": item.name,
        "LegalName": item.name,
        "PaysTax": True,
        "Version": item.version,
        "OrganisationType": "COMPANY",
        "BaseCurrency": item.base_currency,
        "CountryCode": item.country_code,
        "IsDemoCompany": item.is_demo_company,
        "OrganisationStatus": "ACTIVE",
        "FinancialYearEndDay": 31,
        "FinancialYearEndMonth": 3,
        "SalesTaxBasis": "ACCRUALS",
        "SalesTaxPeriod": "QUARTERLY",
        "DefaultSalesTax": "Tax Exclusive",
        "DefaultPurchasesTax": "Tax Exclusive",
        "CreatedDateUTC": ms_date(item.created_at),
        "OrganisationEntityType": "COMPANY",
        "Timezone": item.xero_timezone,
        "ShortCode": item.short_code,
        "Edition": "BUSINESS",
        "Class": "DEMO" if item.is_demo_company else "PREMIUM",
        "Addresses": [],
        "Phones": [],
        "ExternalLinks": [],
        "PaymentTerms": {},
    }
