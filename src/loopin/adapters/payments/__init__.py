"""Payment gateways: PayU (hosted checkout) and the sandbox that stands in for it without credentials."""
