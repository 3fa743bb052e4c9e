"""Return data to Dukcapil (data balikan): empty until a later issue; it joins INSTALLED_APPS then."""
