"""``/api/payments/...``: the app's two calls (create an order, read it), PayU's callbacks and webhook, the
sandbox checkout page (only when the sandbox gateway is in use) and ``/api/platform/fee``.

Money leaves as 2-decimal strings. The browser routes (``surl``/``furl`` and the sandbox) answer HTML pages —
their client is a person in a WebView — and the webhook answers JSON in the app's envelope.
"""
