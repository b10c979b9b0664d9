"""The use cases of reporting: the queries the HTTP routes answer (`chronology`, `cases`,
`dashboards`, `pupils`, `audit`) and the projection the consumer applies (`projection`).

Facts come through the ports of `ports` (read models, the access log, the caller), implemented in
`reporting.adapters` and `reporting.entrypoints`; a use case that refuses raises one of `refusals`.
No web framework or Kafka client here.
"""
