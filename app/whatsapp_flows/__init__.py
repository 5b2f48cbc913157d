"""WhatsApp Flows at Meta: the catalog's forms with this deployment's limits, publishing them
through the Flows API, and the record of published Flow ids.

- `forms.flow_for(service, language, today=, endpoint=)`: the Flow JSON to export, publish or render
  (`endpoint`: `forms.endpoint_configured(settings)`, the NIK checked inside the form).
- `registry.FlowRegistry.for_settings(settings).flow_id(code, language)`: the Flow to send.
- `publish.publish_flows(...)`, `graph.FlowsApi`: `loket flows publish` (with
  `forms.endpoint_uri(settings)`, the address Meta is given as each Flow's `endpoint_uri`).

For the data endpoint (`app.flow_endpoint`): `endpoint_crypto` (the RSA-OAEP + AES-GCM
envelope), `flow_tokens` (`new_flow_token` for whoever sends a form), `flow_media` +
`media_crypto` (files picked in a form, verified and decrypted before the locker's checks);
`loket flows keygen` (keygen_cli). `offer` sends a form to a resident.
"""
