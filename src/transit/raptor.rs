//! RAPTOR (filled in by the journey work).
