"""District and school reports, one module per page: read-only, aggregate-only, suppressed.

Each page resolves the scope (404 for another's district or school), reads the period,
builds its tables from reports.report (people) or reports.queries (events, partners), and
answers with reports.pages.common.respond: HTML, or with ?csv=<table> a CSV of that one
table. Both come from the same Table objects (reports.tables)."""
