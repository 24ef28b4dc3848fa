"""One package per calendar provider: google, outlook, icloud."""
