"""`POST /webhooks/whatsapp/flows`, WhatsApp Flows' data endpoint: an edge over the conversations.

`endpoint_router` (the route and its refusals), `data_endpoint` (what each request gets),
`prefill` (a form's first screen from the resident's chat and locker), `endpoint_texts`. The
Flows machinery it uses (crypto, tokens, media) is in `app.whatsapp_flows`, which never imports
this package: the conversations use `app.whatsapp_flows.offer`, and this package reads them.
"""
