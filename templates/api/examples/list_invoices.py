# Lists every invoice, page by page. Only the standard library is needed.
import json
import os
import sys
import urllib.error
import urllib.request

base = os.environ.get("PATCHBAY_URL", "https://patchbay.example")
url = f"{base}/api/v1/invoices/?page_size=100"
headers = {"Authorization": f"Bearer {os.environ['PATCHBAY_API_KEY']}"}

while url:
    try:
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 - your own URL
        with urllib.request.urlopen(request) as response:  # noqa: S310
            page = json.load(response)
    except urllib.error.HTTPError as error:
        problem = json.load(error)  # application/problem+json
        sys.exit(f"{error.code}: {problem['detail']}")
    for invoice in page["results"]:
        print(invoice["number"] or "(draft)", invoice["status"], invoice["total"])
    url = page["next"]
