"""The Xero sandbox's accounting API: each organisation's books and the endpoints over them.

Field names, status codes, error bodies, paging and filters follow Xero's accounting
API (https://developer.xero.com/documentation/api/accounting/overview) and the
official OpenAPI description (XeroAPI/Xero-OpenAPI, xero_accounting.yaml).
"""
