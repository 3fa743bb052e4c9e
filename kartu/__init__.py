"""The Django side of card reading: empty until a later issue; it joins INSTALLED_APPS then."""
