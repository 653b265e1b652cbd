"""Events: what hosts publish (events and the venues they happen at) and who may see them."""
