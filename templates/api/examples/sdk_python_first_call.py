# pip install patchbay_client-…-py3-none-any.whl   (the link above)
import os

import patchbay_client as pb
from patchbay_client.generated.api.customers import customers_create, customers_list
from patchbay_client.generated.models import CustomerRequest

client = pb.connect(
    os.environ.get("PATCHBAY_URL", "https://patchbay.example"), os.environ["PATCHBAY_API_KEY"]
)
# pb.ok() only narrows the type: errors are raised as exceptions before it.
first_page = pb.ok(customers_list.sync(client=client, page_size=10))
print(f"{first_page.count} customers; the first: {first_page.results[0].name}")

try:
    made = pb.ok(customers_create.sync(client=client, body=CustomerRequest(name="Harbour Lights")))
    print(f"created customer {made.id}")
except pb.ScopeRefused as refused:
    print(f"this key may not create customers: it needs {refused.required_scope}")
