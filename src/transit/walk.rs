//! Walking network (filled in by the walking work).
