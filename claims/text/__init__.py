"""Reading news text: cleaning, the spaCy pipeline and its components, numbers, dates, units,
currencies and the synonym lexicon. Pure text -> values; nothing here touches the database."""
