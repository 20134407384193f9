"""Response and request models: the spec's public JSON contract."""
