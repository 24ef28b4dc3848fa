"""A local emulator of Xero's identity service, connections API and accounting API.

Wire protocol, status codes and error bodies follow Xero's, so code tested here
works against https://identity.xero.com and https://api.xero.com.
"""
