"""Channels: the portal's notifications posted to Microsoft Teams, Slack and signed webhooks.

An IT lead subscribes a channel to event kinds for one initiative or for a site (a team);
`services.fan_out(event)` is the one entry point, subscribed to the one event interface,
`governance.notifications.events` (`events.subscribe`).
"""
