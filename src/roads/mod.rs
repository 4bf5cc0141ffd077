//! Road networks: loaders for OSM PBF, Geofabrik shapefiles and GeoJSON, and
//! the car profile that gives each way its speed and direction.

pub mod network;
