"""Network adapters of the content side: share intents today (``intents``)."""
