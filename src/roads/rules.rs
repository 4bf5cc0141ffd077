//! What a road loader asks of a profile: [`WayRules`], which the car profile
//! ([`CarProfile`]) and the walking profile
//! ([`crate::transit::walk::FootProfile`]) both implement, so the three
//! loaders (OSM PBF, shapefile, GeoJSON) read roads for either mode with the
//! same code and the same [`super::RoadsReport`].

use super::profile::{CarProfile, Exclusion, Quirk, WayAttrs};

/// Which ways a mode may use, and with what attributes.
pub trait WayRules: Sync {
    /// Decide whether a way is usable and with what attributes, from its
    /// tags: see [`CarProfile::classify`] for the keys and arguments.
    fn classify<'t>(
        &self,
        tag: impl Fn(&str) -> Option<&'t str>,
        speed_kph: Option<f64>,
        quirks: &mut Vec<Quirk>,
    ) -> Result<WayAttrs, Exclusion>;

    /// The car profile whose ferry rules time the ferries (a ferry without
    /// a `duration` gets its speed and flat wait); the report records it.
    fn car_profile(&self) -> &CarProfile;
}

impl WayRules for CarProfile {
    fn classify<'t>(
        &self,
        tag: impl Fn(&str) -> Option<&'t str>,
        speed_kph: Option<f64>,
        quirks: &mut Vec<Quirk>,
    ) -> Result<WayAttrs, Exclusion> {
        CarProfile::classify(self, tag, speed_kph, quirks)
    }

    fn car_profile(&self) -> &CarProfile {
        self
    }
}
