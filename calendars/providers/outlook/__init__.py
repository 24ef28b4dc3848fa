"""Microsoft Outlook (Microsoft Graph calendar), two way: Patchbay's events pushed with
deterministic ids, the user's busy time read back by calendarView/delta, and change
notifications (subscriptions) that schedule a read. See docs/calendars.md."""
