"""햇음 snack bundles: composition, pricing, availability, the builder, subscriptions."""
