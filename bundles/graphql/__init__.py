"""GraphQL API of bundles (``BundleQueries``/``BundleMutations`` in ``schema``)."""
