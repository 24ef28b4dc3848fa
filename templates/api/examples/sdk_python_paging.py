import os
from datetime import UTC, datetime, timedelta

import patchbay_client as pb
from patchbay_client.generated.api.customers import customers_list

client = pb.connect(
    os.environ.get("PATCHBAY_URL", "https://patchbay.example"), os.environ["PATCHBAY_API_KEY"]
)
# Every customer: pages of 100 are fetched one after another as the loop needs them.
everyone = list(pb.iterate(customers_list, client))
print(f"read {len(everyone)} customers")

# Only what changed: keep the newest updated_at you processed, ask from there next time.
since = datetime.now(UTC) - timedelta(days=1)
changed = list(pb.changed_since(customers_list, client, since))
next_since = pb.latest_change(changed, previous=since)
print(f"{len(changed)} changed since {since:%Y-%m-%d %H:%M}; next time ask from {next_since}")
