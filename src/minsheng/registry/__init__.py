"""The social registry: persons, households, incomes, assets and key-group tags (一人一档)."""
