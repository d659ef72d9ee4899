"""The participant gateway: a REST API over the node for participants, exchanges and regulators
(Sign-In with Ethereum, role-checked reads of the domain index, relayed signed transactions,
server-sent events), described by an OpenAPI 3 document at ``/openapi.json``."""
