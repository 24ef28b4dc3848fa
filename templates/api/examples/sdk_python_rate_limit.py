import os

import httpx
import patchbay_client as pb
from patchbay_client.generated.api.customers import customers_list


def waited(seconds: float, request: httpx.Request) -> None:
    print(f"429 on {request.url.path}: waiting {seconds:.0f} s as Retry-After asks")


# A 429 is retried after the server's Retry-After, up to 3 times, none over 120 s.
client = pb.connect(
    os.environ.get("PATCHBAY_URL", "https://patchbay.example"),
    os.environ["PATCHBAY_API_KEY"],
    max_retries=3,
    max_wait=120,
    on_wait=waited,
)
try:
    for _ in range(int(os.environ.get("CALLS", "5"))):
        customers_list.sync(client=client, page_size=1)
    print("every call answered")
except pb.RateLimited as limited:
    print(f"still limited: try again in {limited.retry_after:.0f} s")
