"""One generator process per mechanism of the model."""
