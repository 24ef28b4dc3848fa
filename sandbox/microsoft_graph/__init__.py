"""Microsoft Graph (Outlook calendar) and the Microsoft identity platform, emulated.

See sandbox/README.md, "Microsoft Graph", for the paths and the choices made where
Microsoft does not document the behaviour."""
