"""The entities the sandbox's accounting API knows: what each accepts, how it is checked
and what the server computes."""
