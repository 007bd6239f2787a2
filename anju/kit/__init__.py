"""The foundation's kit above audit: versioned configuration (the base of appraisal templates,
eligibility rule sets, renovation policies and reporting calendars), its pages and its API. It
records every change in the audit trail, so it sits above ``anju.audit`` (ADR 0025)."""
