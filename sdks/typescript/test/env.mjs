// The live API the tests run against, given by tests/sdks/conftest.py (live_api_env).
export function env(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: these tests call a live Patchbay API. Run them through ` +
        "pytest tests/sdks/test_typescript_client.py, which starts one and sets it.",
    );
  }
  return value;
}

/** A fetch that counts the calls it passes on, to assert how many requests a helper made. */
export function countingFetch() {
  const calls = [];
  const wrapped = (url, init) => {
    calls.push({ url: String(url), method: init?.method ?? "GET" });
    return fetch(url, init);
  };
  return { fetch: wrapped, calls };
}
