"""The build hand-off: a Jira issue or ServiceNow record when an initiative is ready for build."""
