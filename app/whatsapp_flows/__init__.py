"""WhatsApp Flows at Meta: the catalog's forms with this deployment's limits, publishing them
through the Flows API, and the record of published Flow ids.

- `forms.flow_for(service, language, today=)`: the Flow JSON to export, publish or render.
- `registry.FlowRegistry.for_settings(settings).flow_id(code, language)`: the Flow to send.
- `publish.publish_flows(...)`, `graph.FlowsApi`: `loket flows publish`.
"""
