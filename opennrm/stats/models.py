"""Stats' models, one module per part (decision 0022)."""
